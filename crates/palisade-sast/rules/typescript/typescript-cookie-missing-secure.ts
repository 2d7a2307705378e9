export function login(req: Request, res: Response) {
  // ruleid: typescript-cookie-missing-secure
  res.cookie("sid", token, { httpOnly: true });
  // ok: typescript-cookie-missing-secure
  res.cookie("sid", token, { httpOnly: true, secure: true, sameSite: "lax" });
}

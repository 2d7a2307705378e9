export function login(req: Request, res: Response) {
  // ruleid: typescript-cookie-missing-httponly
  res.cookie("sid", token, { secure: true });
  // ok: typescript-cookie-missing-httponly
  res.cookie("sid", token, { secure: true, httpOnly: true });
}

export function login(req, res) {
  // ruleid: javascript-cookie-missing-secure
  res.cookie("sid", token, { httpOnly: true });
  // ok: javascript-cookie-missing-secure
  res.cookie("sid", token, { httpOnly: true, secure: true, sameSite: "lax" });
}

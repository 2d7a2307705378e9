export function login(req, res) {
  // ruleid: javascript-cookie-missing-httponly
  res.cookie("sid", token, { secure: true });
  // ok: javascript-cookie-missing-httponly
  res.cookie("sid", token, { secure: true, httpOnly: true });
}

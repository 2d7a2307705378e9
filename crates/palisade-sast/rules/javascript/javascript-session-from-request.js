export function setRole(req, res) {
  // ruleid: javascript-session-from-request
  req.session.role = req.body.role;
  // ok: javascript-session-from-request
  req.session.lang = LANGS.includes(lang) ? lang : "en";
  res.end();
}

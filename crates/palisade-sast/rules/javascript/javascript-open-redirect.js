const ALLOWED = new Set(["/home", "/account"]);

export function afterLogin(req, res) {
  if (ALLOWED.has(req.query.next)) {
    // ok: javascript-open-redirect
    return res.redirect(req.query.next);
  }
  // ruleid: javascript-open-redirect
  res.redirect(req.query.next);
}

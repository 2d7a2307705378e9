import escapeStringRegexp from "escape-string-regexp";

export function search(req, res) {
  // ruleid: javascript-regexp-from-request
  const rx = new RegExp(req.query.q, "i");
  // ok: javascript-regexp-from-request
  const rx2 = new RegExp(escapeStringRegexp(req.query.q), "i");
  res.json({ a: rx.test("x"), b: rx2.test("x") });
}

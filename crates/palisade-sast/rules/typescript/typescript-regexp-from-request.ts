import escapeStringRegexp from "escape-string-regexp";

export function search(req: Request, res: Response) {
  // ruleid: typescript-regexp-from-request
  const rx = new RegExp(req.query.q, "i");
  // ok: typescript-regexp-from-request
  const rx2 = new RegExp(escapeStringRegexp(req.query.q), "i");
  res.json({ a: rx.test("x"), b: rx2.test("x") });
}

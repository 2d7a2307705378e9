export function calc(req: Request, res: Response) {
  // ruleid: typescript-eval-non-literal
  const v = eval(req.body.expr);
  // ruleid: typescript-eval-non-literal
  const f = new Function("a", req.body.code);
  // ruleid: typescript-eval-non-literal
  setTimeout("refresh('" + req.query.id + "')", 10);
  // ok: typescript-eval-non-literal
  setTimeout(() => res.json({ v }), 10);
  // ok: typescript-eval-non-literal
  setTimeout(flush, 10);
  // ok: typescript-eval-non-literal
  const n = JSON.parse(req.body.json);
}

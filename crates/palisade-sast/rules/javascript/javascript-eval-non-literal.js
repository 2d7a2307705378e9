export function calc(req, res) {
  // ruleid: javascript-eval-non-literal
  const v = eval(req.body.expr);
  // ruleid: javascript-eval-non-literal
  const f = new Function("a", req.body.code);
  // ruleid: javascript-eval-non-literal
  setTimeout("refresh('" + req.query.id + "')", 10);
  // ok: javascript-eval-non-literal
  setTimeout(() => res.json({ v }), 10);
  // ok: javascript-eval-non-literal
  setTimeout(flush, 10);
  // ok: javascript-eval-non-literal
  const n = JSON.parse(req.body.json);
}

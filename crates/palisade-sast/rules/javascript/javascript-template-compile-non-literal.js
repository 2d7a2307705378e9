import Handlebars from "handlebars";

export function greet(req, res) {
  // ruleid: javascript-template-compile-non-literal
  const t = Handlebars.compile("<h1>Hello " + req.query.name + "</h1>");
  // ok: javascript-template-compile-non-literal
  const ok = Handlebars.compile("<h1>Hello {{name}}</h1>");
  res.send(ok({ name: req.query.name }) + t({}));
}

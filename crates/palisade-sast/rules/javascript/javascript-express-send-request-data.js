import escapeHtml from "escape-html";

export function hello(req, res) {
  // ruleid: javascript-express-send-request-data
  res.send("<h1>Hello " + req.query.name + "</h1>");
  // ok: javascript-express-send-request-data
  res.send("<h1>Hello " + escapeHtml(req.query.name) + "</h1>");
}

import escapeHtml from "escape-html";

export function hello(req: Request, res: Response) {
  // ruleid: typescript-express-send-request-data
  res.send("<h1>Hello " + req.query.name + "</h1>");
  // ok: typescript-express-send-request-data
  res.send("<h1>Hello " + escapeHtml(req.query.name) + "</h1>");
}

export function setRole(req: Request, res: Response) {
  // ruleid: typescript-session-from-request
  req.session.role = req.body.role;
  // ok: typescript-session-from-request
  req.session.lang = LANGS.includes(lang) ? lang : "en";
  res.end();
}

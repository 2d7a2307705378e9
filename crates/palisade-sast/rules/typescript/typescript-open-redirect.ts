const ALLOWED = new Set(["/home", "/account"]);

export function afterLogin(req: Request, res: Response) {
  if (ALLOWED.has(req.query.next)) {
    // ok: typescript-open-redirect
    return res.redirect(req.query.next);
  }
  // ruleid: typescript-open-redirect
  res.redirect(req.query.next);
}

export function login(req: Request, res: Response) {
  // ruleid: typescript-log-request-data
  logger.info("login attempt for " + req.body.user);
  // ok: typescript-log-request-data
  logger.info({ user: String(req.body.user).replace(/[\r\n]/g, "") }, "login attempt");
  res.end();
}

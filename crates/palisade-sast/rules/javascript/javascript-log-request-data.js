export function login(req, res) {
  // ruleid: javascript-log-request-data
  logger.info("login attempt for " + req.body.user);
  // ok: javascript-log-request-data
  logger.info({ user: String(req.body.user).replace(/[\r\n]/g, "") }, "login attempt");
  res.end();
}

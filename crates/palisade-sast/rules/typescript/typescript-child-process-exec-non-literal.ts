import { exec, execFile } from "child_process";

export function ping(req: Request, res: Response) {
  // ruleid: typescript-child-process-exec-non-literal
  exec("ping -c 1 " + req.query.host, (err, out) => res.send(out));
  // ok: typescript-child-process-exec-non-literal
  execFile("ping", ["-c", "1", String(req.query.host)], (err, out) => res.send(out));
  // ok: typescript-child-process-exec-non-literal
  exec("uptime", (err, out) => res.send(out));
}

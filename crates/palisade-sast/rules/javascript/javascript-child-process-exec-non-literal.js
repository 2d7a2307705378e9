import { exec, execFile } from "child_process";

export function ping(req, res) {
  // ruleid: javascript-child-process-exec-non-literal
  exec("ping -c 1 " + req.query.host, (err, out) => res.send(out));
  // ok: javascript-child-process-exec-non-literal
  execFile("ping", ["-c", "1", String(req.query.host)], (err, out) => res.send(out));
  // ok: javascript-child-process-exec-non-literal
  exec("uptime", (err, out) => res.send(out));
}

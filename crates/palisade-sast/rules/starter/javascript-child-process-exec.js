const { exec } = require("child_process");
const cp = require("child_process");

function run(req) {
  // ruleid: javascript-child-process-exec
  exec("git log " + req.query.ref);
  // ruleid: javascript-child-process-exec
  cp.execSync(`ls ${req.query.dir}`);
  // ok: javascript-child-process-exec
  cp.exec("git status");
  // ok: javascript-child-process-exec
  cp.execFile("git", ["log", req.query.ref]);
}

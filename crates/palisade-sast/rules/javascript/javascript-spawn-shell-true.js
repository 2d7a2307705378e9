import { spawn } from "child_process";

export function convert(file) {
  // ruleid: javascript-spawn-shell-true
  spawn("convert " + file + " out.png", { shell: true });
  // ok: javascript-spawn-shell-true
  spawn("convert", [file, "out.png"]);
}

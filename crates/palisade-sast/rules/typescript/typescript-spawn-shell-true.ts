import { spawn } from "child_process";

export function convert(file) {
  // ruleid: typescript-spawn-shell-true
  spawn("convert " + file + " out.png", { shell: true });
  // ok: typescript-spawn-shell-true
  spawn("convert", [file, "out.png"]);
}

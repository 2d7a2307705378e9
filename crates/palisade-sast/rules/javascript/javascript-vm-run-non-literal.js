import vm from "vm";
import * as nodevm from "node:vm";

export function run(req, res) {
  // ruleid: javascript-vm-run-non-literal
  const out = vm.runInNewContext(req.body.code, {});
  // ok: javascript-vm-run-non-literal
  const two = vm.runInNewContext("1 + 1", {});
  res.json({ out, two });
}

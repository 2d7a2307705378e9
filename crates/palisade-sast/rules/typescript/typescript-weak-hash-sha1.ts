import { createHash } from "crypto";

export function sig(body) {
  // ruleid: typescript-weak-hash-sha1
  const a = createHash("sha1").update(body).digest("hex");
  // ok: typescript-weak-hash-sha1
  const b = createHash("sha512").update(body).digest("hex");
  return [a, b];
}

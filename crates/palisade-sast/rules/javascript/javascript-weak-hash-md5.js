import crypto from "crypto";

export function etag(body) {
  // ruleid: javascript-weak-hash-md5
  const a = crypto.createHash("md5").update(body).digest("hex");
  // ok: javascript-weak-hash-md5
  const b = crypto.createHash("sha256").update(body).digest("hex");
  return [a, b];
}

import crypto from "crypto";

export function enc(key, iv, data) {
  // ruleid: typescript-weak-cipher
  const c1 = crypto.createCipheriv("des-ede3-cbc", key, iv);
  // ruleid: typescript-weak-cipher
  const c2 = crypto.createCipheriv("aes-128-ecb", key, null);
  // ok: typescript-weak-cipher
  const c3 = crypto.createCipheriv("aes-256-gcm", key, iv);
  return [c1, c2, c3];
}

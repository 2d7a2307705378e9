import crypto from "crypto";

export function newReset() {
  // ruleid: typescript-math-random-secret
  const resetToken = Math.random().toString(36).slice(2);
  // ok: typescript-math-random-secret
  const resetToken2 = crypto.randomBytes(32).toString("hex");
  // ok: typescript-math-random-secret
  const jitterMs = Math.floor(Math.random() * 100);
  return [resetToken, resetToken2, jitterMs];
}

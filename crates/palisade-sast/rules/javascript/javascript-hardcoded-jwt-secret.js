import jwt from "jsonwebtoken";

export function issue(user) {
  // ruleid: javascript-hardcoded-jwt-secret
  const a = jwt.sign({ sub: user.id }, "super-secret-key", { expiresIn: "1h" });
  // ok: javascript-hardcoded-jwt-secret
  const b = jwt.sign({ sub: user.id }, process.env.JWT_SECRET, { expiresIn: "1h" });
  return [a, b];
}

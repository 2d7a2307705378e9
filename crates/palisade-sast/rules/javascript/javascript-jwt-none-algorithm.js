import jwt from "jsonwebtoken";

export function check(token, key) {
  // ruleid: javascript-jwt-none-algorithm
  const a = jwt.verify(token, key, { algorithms: ["HS256", "none"] });
  // ok: javascript-jwt-none-algorithm
  const b = jwt.verify(token, key, { algorithms: ["HS256"] });
  return [a, b];
}

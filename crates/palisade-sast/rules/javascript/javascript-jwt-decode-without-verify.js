import jwt from "jsonwebtoken";

export function user(req) {
  // ruleid: javascript-jwt-decode-without-verify
  const claims = jwt.decode(req.headers.authorization);
  // ok: javascript-jwt-decode-without-verify
  const verified = jwt.verify(req.headers.authorization, process.env.JWT_KEY, { algorithms: ["HS256"] });
  return [claims, verified];
}

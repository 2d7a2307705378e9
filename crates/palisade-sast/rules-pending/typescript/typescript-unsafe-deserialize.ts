const serialize = require("node-serialize");

export function restore(req: Request, res: Response) {
  // ruleid: typescript-unsafe-deserialize
  const obj = serialize.unserialize(req.cookies.profile);
  // ok: typescript-unsafe-deserialize
  const data = JSON.parse(req.cookies.profile);
  res.json({ obj, data });
}

const serialize = require("node-serialize");

export function restore(req, res) {
  // ruleid: javascript-unsafe-deserialize
  const obj = serialize.unserialize(req.cookies.profile);
  // ok: javascript-unsafe-deserialize
  const data = JSON.parse(req.cookies.profile);
  res.json({ obj, data });
}

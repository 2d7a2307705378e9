const serialize = require("node-serialize");
const yaml = require("js-yaml");
const fs = require("fs");

export function restore(req, res) {
  // ruleid: javascript-unsafe-deserialize
  const obj = serialize.unserialize(req.cookies.profile);
  // ok: javascript-unsafe-deserialize
  const data = JSON.parse(req.cookies.profile);
  res.json({ obj, data });
}

export function importConfig(req, res) {
  // ruleid: javascript-unsafe-deserialize
  const config = yaml.load(req.body.config, { schema: yaml.DEFAULT_FULL_SCHEMA });
  // ok: javascript-unsafe-deserialize
  const settings = yaml.load(fs.readFileSync("settings.yml", "utf8"));
  // ok: javascript-unsafe-deserialize
  const safe = yaml.load(req.body.config, { schema: yaml.JSON_SCHEMA });
  res.json({ config, settings, safe });
}

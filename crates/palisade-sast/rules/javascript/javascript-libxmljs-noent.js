import libxmljs from "libxmljs";

export function parse(req, res) {
  // ruleid: javascript-libxmljs-noent
  const doc = libxmljs.parseXml(req.body, { noent: true });
  // ok: javascript-libxmljs-noent
  const safe = libxmljs.parseXml(req.body, { noent: false, nonet: true });
  res.json({ a: doc.root().name(), b: safe.root().name() });
}

import libxmljs from "libxmljs";

export function parse(req: Request, res: Response) {
  // ruleid: typescript-libxmljs-noent
  const doc = libxmljs.parseXml(req.body, { noent: true });
  // ok: typescript-libxmljs-noent
  const safe = libxmljs.parseXml(req.body, { noent: false, nonet: true });
  res.json({ a: doc.root().name(), b: safe.root().name() });
}

import xpath from "xpath";

export function findUser(doc, name) {
  // ruleid: javascript-xpath-concat
  const n = xpath.select("//user[@name='" + name + "']", doc);
  // ok: javascript-xpath-concat
  const all = xpath.select("//user", doc);
  return [n, all];
}

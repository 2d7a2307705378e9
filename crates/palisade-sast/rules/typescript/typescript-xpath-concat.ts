import xpath from "xpath";

export function findUser(doc, name) {
  // ruleid: typescript-xpath-concat
  const n = xpath.select("//user[@name='" + name + "']", doc);
  // ok: typescript-xpath-concat
  const all = xpath.select("//user", doc);
  return [n, all];
}

export function valid(s) {
  // ruleid: javascript-regex-nested-quantifier
  const bad = /^([a-z0-9]+)*@example\.com$/.test(s);
  // ok: javascript-regex-nested-quantifier
  const good = /^[a-z0-9]+@example\.com$/.test(s);
  return bad && good;
}

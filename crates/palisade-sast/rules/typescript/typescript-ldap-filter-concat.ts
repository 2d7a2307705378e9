import ldap from "ldapjs";

export function lookup(client, username, cb) {
  // ruleid: typescript-ldap-filter-concat
  client.search("ou=people,dc=example,dc=com", { filter: "(uid=" + username + ")", scope: "sub" }, cb);
  // ok: typescript-ldap-filter-concat
  client.search("ou=people,dc=example,dc=com", { filter: new ldap.EqualityFilter({ attribute: "uid", value: username }), scope: "sub" }, cb);
}

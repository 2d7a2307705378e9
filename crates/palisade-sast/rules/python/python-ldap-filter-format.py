import ldap
from ldap.filter import filter_format

def lookup(conn, user):
    # ruleid: python-ldap-filter-format
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=%s)" % user)
    # ruleid: python-ldap-filter-format
    conn.search("dc=example,dc=com", f"(&(objectClass=person)(uid={user}))")
    # ok: python-ldap-filter-format
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, filter_format("(uid=%s)", [user]))

import javax.naming.directory.DirContext
import javax.naming.directory.SearchControls

fun find(ctx: DirContext, user: String, sc: SearchControls) {
    // ruleid: kotlin-ldap-filter-template
    val a = ctx.search("ou=people,dc=example,dc=com", "(uid=${user})", sc)
    // ok: kotlin-ldap-filter-template
    val b = ctx.search("ou=people,dc=example,dc=com", "(uid={0})", arrayOf(user), sc)
}

fun memberOf(ctx: DirContext, group: String): Boolean {
    val sc = SearchControls()
    sc.searchScope = SearchControls.SUBTREE_SCOPE
    // ruleid: kotlin-ldap-filter-template
    val results = ctx.search("dc=example,dc=com", "(&(objectClass=group)(cn=" + group + "))", sc)
    // ok: kotlin-ldap-filter-template
    val all = ctx.search("dc=example,dc=com", "(objectClass=group)", sc)
    return results.hasMore() && all.hasMore()
}

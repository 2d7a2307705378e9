import javax.naming.directory.*

fun find(ctx: DirContext, user: String, sc: SearchControls) {
    // ruleid: kotlin-ldap-filter-template
    val a = ctx.search("ou=people,dc=example,dc=com", "(uid=$user)", sc)
    // ok: kotlin-ldap-filter-template
    val b = ctx.search("ou=people,dc=example,dc=com", "(uid={0})", arrayOf(user), sc)
}

import javax.naming.directory.*;

class Directory {
    Object find(DirContext ctx, String user, SearchControls sc) throws Exception {
        // ruleid: java-ldap-filter-concat
        Object a = ctx.search("ou=people,dc=example,dc=com", "(uid=" + user + ")", sc);
        // ok: java-ldap-filter-concat
        Object b = ctx.search("ou=people,dc=example,dc=com", "(uid={0})", new Object[] {user}, sc);
        return a;
    }
}

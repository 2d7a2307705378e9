using System.DirectoryServices;

class Directory {
    SearchResult Find(DirectoryEntry root, string user) {
        var s = new DirectorySearcher(root);
        // ruleid: csharp-ldap-filter-concat
        s.Filter = "(sAMAccountName=" + user + ")";
        // ok: csharp-ldap-filter-concat
        s.Filter = "(objectClass=user)";
        return s.FindOne();
    }
}

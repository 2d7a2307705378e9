package dir

import (
	"fmt"
	"github.com/go-ldap/ldap/v3"
)

func Search(user string) (*ldap.SearchRequest, *ldap.SearchRequest) {
	// ruleid: go-ldap-filter-format
	a := ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, fmt.Sprintf("(uid=%s)", user), []string{"dn"}, nil)
	// ok: go-ldap-filter-format
	b := ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, fmt.Sprintf("(uid=%s)", ldap.EscapeFilter(user)), []string{"dn"}, nil)
	return a, b
}

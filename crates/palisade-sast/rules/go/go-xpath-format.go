package users

import (
	"fmt"
	"github.com/antchfx/xmlquery"
)

func Find(doc *xmlquery.Node, name string) *xmlquery.Node {
	// ruleid: go-xpath-format
	n := xmlquery.FindOne(doc, fmt.Sprintf("//user[@name='%s']", name))
	// ok: go-xpath-format
	all := xmlquery.Find(doc, "//user")
	_ = all
	return n
}

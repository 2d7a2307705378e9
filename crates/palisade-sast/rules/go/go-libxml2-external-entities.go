package xmlp

import (
	"github.com/lestrrat-go/libxml2/parser"
)

func Parse(data []byte) {
	// ruleid: go-libxml2-external-entities
	p := parser.New(parser.XMLParseNoEnt | parser.XMLParseNoNet)
	// ok: go-libxml2-external-entities
	q := parser.New(parser.XMLParseNoNet)
	_, _ = p.Parse(data)
	_, _ = q.Parse(data)
}

package search

import "github.com/dlclark/regexp2"

func Build(q string) {
	// ruleid: go-regexp2-non-literal
	re, _ := regexp2.Compile(q, regexp2.None)
	// ok: go-regexp2-non-literal
	fixed := regexp2.MustCompile(`^\w+$`, regexp2.None)
	_, _ = re, fixed
}

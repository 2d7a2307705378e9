package ext

import "plugin"

func Load(name string) (*plugin.Plugin, error) {
	// ruleid: go-dynamic-code-load
	p, err := plugin.Open("/plugins/" + name)
	// ok: go-dynamic-code-load
	q, _ := plugin.Open("/plugins/audit.so")
	_ = q
	return p, err
}

package mail

import "text/template"

func Compile(userTpl string) {
	// ruleid: go-template-parse-non-literal
	t, _ := template.New("mail").Parse(userTpl)
	// ok: go-template-parse-non-literal
	u, _ := template.New("mail").Parse("Hello {{.Name}}")
	_, _ = t, u
}

package web

import "html/template"

func Render(bio string) (template.HTML, template.HTML) {
	// ruleid: go-template-html-non-literal
	a := template.HTML("<p>" + bio + "</p>")
	// ok: go-template-html-non-literal
	b := template.HTML("<hr>")
	return a, b
}

package web

import (
	"fmt"
	"html"
	"net/http"
)

func Hello(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-response-write-request-data
	fmt.Fprintf(w, "<h1>Hello %s</h1>", r.URL.Query().Get("name"))
	// ok: go-response-write-request-data
	fmt.Fprintf(w, "<h1>Hello %s</h1>", html.EscapeString(name))
}

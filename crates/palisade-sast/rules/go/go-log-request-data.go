package web

import (
	"log"
	"net/http"
)

func Login(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-log-request-data
	log.Printf("login failed for %s", r.FormValue("user"))
	// ok: go-log-request-data
	log.Printf("login failed for %q", r.FormValue("user"))
}

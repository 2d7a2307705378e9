package web

import "net/http"

func SetRole(w http.ResponseWriter, r *http.Request) {
	s, _ := store.Get(r, "app")
	// ruleid: go-session-value-from-request
	s.Values["role"] = r.FormValue("role")
	// ok: go-session-value-from-request
	s.Values["visits"] = count + 1
	_ = s.Save(r, w)
}

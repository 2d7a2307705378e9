package web

import "net/http"

func Handler(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-cors-any-origin
	w.Header().Set("Access-Control-Allow-Origin", "*")
	// ok: go-cors-any-origin
	w.Header().Set("Access-Control-Allow-Origin", "https://app.example.com")
}

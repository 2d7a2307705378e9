package web

import "net/http"

func Preview(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-ssrf-request-url
	resp, err := http.Get(r.URL.Query().Get("url"))
	// ok: go-ssrf-request-url
	resp2, err2 := http.Get("https://api.weather.example/v1?city=" + url.QueryEscape(city))
	_, _, _, _ = resp, err, resp2, err2
}

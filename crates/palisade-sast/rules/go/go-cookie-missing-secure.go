package web

import "net/http"

func Login(w http.ResponseWriter, sid string) {
	// ruleid: go-cookie-missing-secure
	http.SetCookie(w, &http.Cookie{Name: "sid", Value: sid, HttpOnly: true})
	// ok: go-cookie-missing-secure
	http.SetCookie(w, &http.Cookie{Name: "sid", Value: sid, HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
}

package auth

import (
	"os"
	"github.com/golang-jwt/jwt/v5"
)

func Issue(t *jwt.Token) (string, string) {
	// ruleid: go-hardcoded-jwt-secret
	a, _ := t.SignedString([]byte("my-super-secret"))
	// ok: go-hardcoded-jwt-secret
	b, _ := t.SignedString([]byte(os.Getenv("JWT_SECRET")))
	return a, b
}

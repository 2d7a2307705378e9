package auth

import "github.com/golang-jwt/jwt/v5"

func Check(tok string, key []byte) {
	// ruleid: go-jwt-parse-without-valid-methods
	a, _ := jwt.Parse(tok, func(t *jwt.Token) (interface{}, error) { return key, nil })
	// ok: go-jwt-parse-without-valid-methods
	b, _ := jwt.Parse(tok, func(t *jwt.Token) (interface{}, error) { return key, nil }, jwt.WithValidMethods([]string{"HS256"}))
	_, _ = a, b
}

package auth

import "github.com/golang-jwt/jwt/v5"

func Claims(tok string, key []byte) {
	// ruleid: go-jwt-unverified
	t, _, _ := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
	// ok: go-jwt-unverified
	v, _ := jwt.Parse(tok, func(t *jwt.Token) (interface{}, error) { return key, nil }, jwt.WithValidMethods([]string{"HS256"}))
	_, _ = t, v
}

package c

import (
	"crypto/aes"
	"crypto/des"
)

func New(key []byte) {
	// ruleid: go-weak-cipher
	b, _ := des.NewCipher(key)
	// ok: go-weak-cipher
	a, _ := aes.NewCipher(key)
	_, _ = a, b
}

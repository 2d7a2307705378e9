package h

import (
	"crypto/sha1"
	"crypto/sha256"
)

func Sum(b []byte) ([20]byte, [32]byte) {
	// ruleid: go-weak-hash-sha1
	a := sha1.Sum(b)
	// ok: go-weak-hash-sha1
	c := sha256.Sum256(b)
	return a, c
}

package h

import (
	"crypto/md5"
	"crypto/sha256"
)

func Sum(b []byte) ([16]byte, [32]byte) {
	// ruleid: go-weak-hash-md5
	a := md5.Sum(b)
	// ok: go-weak-hash-md5
	c := sha256.Sum256(b)
	return a, c
}

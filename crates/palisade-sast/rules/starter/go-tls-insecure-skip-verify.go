package main

import "crypto/tls"

func client() *tls.Config {
	// ruleid: go-tls-insecure-skip-verify
	a := &tls.Config{InsecureSkipVerify: true}
	// ruleid: go-tls-insecure-skip-verify
	a.InsecureSkipVerify = true
	// ok: go-tls-insecure-skip-verify
	b := &tls.Config{MinVersion: tls.VersionTLS12}
	_ = b
	return a
}

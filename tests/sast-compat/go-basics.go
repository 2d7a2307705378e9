package main

import (
	ex "os/exec"
	"crypto/tls"
)

func main() {
	// ruleid: go-exec
	ex.Command("sh", "-c", userCmd)
	// ok: go-exec
	ex.Command("ls", dir)
	// ruleid: go-tls
	_ = &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: true}
	// ok: go-tls
	_ = &tls.Config{MinVersion: tls.VersionTLS12}
}

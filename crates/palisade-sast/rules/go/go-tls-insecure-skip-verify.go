package client

import (
	"crypto/tls"
	"net/http"
)

func New(pool *x509.CertPool) (*http.Client, *http.Client) {
	// ruleid: go-tls-insecure-skip-verify
	bad := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	// ok: go-tls-insecure-skip-verify
	good := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	return bad, good
}

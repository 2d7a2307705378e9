package api

import (
	"encoding/gob"
	"encoding/json"
	"net/http"
)

func Import(w http.ResponseWriter, r *http.Request) {
	var cfg Config
	// ruleid: go-gob-decode-request
	_ = gob.NewDecoder(r.Body).Decode(&cfg)
	// ok: go-gob-decode-request
	_ = json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&cfg)
}

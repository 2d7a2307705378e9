package main

// ok: go-pprof-exposed
import "net/http"
// ruleid: go-pprof-exposed
import _ "net/http/pprof"

func main() { http.ListenAndServe(":8080", nil) }

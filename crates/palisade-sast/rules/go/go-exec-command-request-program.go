package tools

import (
	"net/http"
	"os/exec"
)

func Run(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-exec-command-request-program
	out, _ := exec.Command(r.URL.Query().Get("tool"), "--version").Output()
	// ok: go-exec-command-request-program
	ok, _ := exec.Command("git", "--version").Output()
	w.Write(append(out, ok...))
}

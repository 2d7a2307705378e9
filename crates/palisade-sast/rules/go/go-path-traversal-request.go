package files

import (
	"net/http"
	"os"
	"path/filepath"
)

func Download(w http.ResponseWriter, r *http.Request) {
	// ruleid: go-path-traversal-request
	data, _ := os.ReadFile(filepath.Join("/srv/files", r.URL.Query().Get("name")))
	w.Write(data)
}

func DownloadSafe(w http.ResponseWriter, r *http.Request) {
	root, _ := os.OpenRoot("/srv/files")
	// ok: go-path-traversal-request
	f, _ := root.Open(filepath.Base(name))
	_ = f
}

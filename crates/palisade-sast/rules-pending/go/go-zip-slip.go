package unzip

import (
	"archive/zip"
	"path/filepath"
	"strings"
)

func Bad(zr *zip.Reader, dest string) {
	for _, f := range zr.File {
		// ruleid: go-zip-slip
		p := filepath.Join(dest, f.Name)
		_ = p
	}
}

func Good(zr *zip.Reader, dest string) {
	for _, f := range zr.File {
		// ok: go-zip-slip
		p := filepath.Join(dest, f.Name)
		if !strings.HasPrefix(p, filepath.Clean(dest)+string(filepath.Separator)) {
			continue
		}
	}
}

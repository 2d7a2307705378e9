package tools

import "os/exec"

func Archive(name string) error {
	// ruleid: go-exec-command-shell
	cmd := exec.Command("sh", "-c", "tar czf /tmp/out.tgz "+name)
	// ok: go-exec-command-shell
	safe := exec.Command("tar", "czf", "/tmp/out.tgz", "--", name)
	_ = safe.Run()
	return cmd.Run()
}

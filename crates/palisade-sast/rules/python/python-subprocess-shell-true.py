import subprocess

def archive(name):
    # ruleid: python-subprocess-shell-true
    subprocess.run("tar czf /tmp/out.tgz " + name, shell=True)
    # ruleid: python-subprocess-shell-true
    subprocess.check_output(f"ping -c 1 {name}", shell=True)
    # ok: python-subprocess-shell-true
    subprocess.run(["tar", "czf", "/tmp/out.tgz", "--", name])
    # ok: python-subprocess-shell-true
    subprocess.run("ls -l /var/log", shell=True)

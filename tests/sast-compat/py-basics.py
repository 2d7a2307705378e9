import os
import hashlib as hl
from hashlib import md5 as h
import requests
import subprocess

# ruleid: py-call-ellipsis
os.system("ls " + x)
# ruleid: py-call-ellipsis
os.system()
# ok: py-call-ellipsis
os.popen("ls")

# ruleid: py-metavar-equal
if a.b == a.b:
    pass
# ok: py-metavar-equal
if a == b:
    pass
# ruleid: py-metavar-equal
print((x + 1) == (x+1))

# ruleid: py-import-alias
h(b"data")
# ruleid: py-import-alias
hl.md5(b"x")
# ruleid: py-import-alias
hashlib.md5()
# ok: py-import-alias
hashlib.sha256(b"x")

# ruleid: py-keyword-arg
requests.get(url, verify=False)
# ruleid: py-keyword-arg
requests.get(url, timeout=3, verify=False)
# ok: py-keyword-arg
requests.get(url, verify=True)

# ruleid: py-string-any
cur.execute("SELECT 1")
# ruleid: py-string-any
cur.execute('SELECT 2')
# ok: py-string-any
cur.execute("SELECT %s" % name)

# ruleid: py-string-literal
open('/etc/passwd')
# ruleid: py-string-literal
open("""/etc/passwd""")
# ok: py-string-literal
open("/etc/hosts")

# ruleid: py-deep
print("x" + str(secret))
# ok: py-deep
print(public)

def f():
    # ruleid: py-sequence
    fh = open(path)
    data = 1
    fh.read()

# ruleid: py-metaseq
subprocess.call(cmd, "x", shell=True)
# ok: py-metaseq
subprocess.call(cmd, shell=False)

# ruleid: py-string-regex, py-string-any
cur.execute("select a from users")
# ok: py-string-regex
# ruleid: py-string-any
cur.execute("update users set a = 1")

# ruleid: py-decorated-function
@app.route("/a")
def open_view():
    return 1

# ok: py-decorated-function
@app.route("/b")
@login_required
def closed_view():
    return 2

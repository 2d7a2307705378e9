import os
import shlex
import subprocess
from flask import request


def search(cursor):
    name = request.args.get("name")
    query = "SELECT * FROM users WHERE name = '" + name + "'"
    # ruleid: taint-python-web-sql-injection
    cursor.execute(query)
    # ok: taint-python-web-sql-injection
    cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
    limit = int(request.args.get("limit"))
    # ok: taint-python-web-sql-injection
    cursor.execute("SELECT * FROM users LIMIT " + str(limit))
    if (7 * 42) - 86 > 200:
        other = "guest"
    else:
        other = name
    # ok: taint-python-web-sql-injection
    cursor.execute("SELECT * FROM users WHERE name = '" + other + "'")


def ping():
    host = request.form.get("host")
    # ruleid: taint-python-web-command-injection
    os.system("ping -c 1 " + host)
    # ok: taint-python-web-command-injection
    os.system("ping -c 1 " + shlex.quote(host))
    # ok: taint-python-web-command-injection
    subprocess.run(["ping", "-c", "1", host])
    d = {"host": host, "count": "1"}
    # ok: taint-python-web-command-injection
    subprocess.call("ping -c " + d["count"] + " localhost", shell=True)
    # ruleid: taint-python-web-command-injection
    subprocess.call(f"ping -c 1 {d['host']}", shell=True)

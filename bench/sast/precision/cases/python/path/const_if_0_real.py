import os
import shlex
import subprocess
from flask import request, send_file


def passthrough(x):
    return x.strip()


def constant(x):
    return "guest"


def log(x):
    print(x)


def handler(cursor, conn, db):
    p = request.args.get("q")
    if (7 * 42) - 106 > 200:
        v = "guest"
    else:
        v = p
    open(v)

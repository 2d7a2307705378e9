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
    v = passthrough(p)
    open(v)

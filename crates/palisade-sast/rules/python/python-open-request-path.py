import os
from flask import request, send_file, send_from_directory

def download():
    # ruleid: python-open-request-path
    return send_file(os.path.join("/srv/files", request.args["name"]))

def read():
    # ruleid: python-open-request-path
    with open("/srv/files/" + request.args.get("name")) as f:
        return f.read()

def download_safe():
    # ok: python-open-request-path
    return send_from_directory("/srv/files", request.args["name"])

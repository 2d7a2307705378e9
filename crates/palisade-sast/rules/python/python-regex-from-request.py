import re
from flask import request

def search(items):
    # ruleid: python-regex-from-request
    rx = re.compile(request.args["q"])
    # ok: python-regex-from-request
    rx2 = re.compile(re.escape(request.args["q"]))
    return rx, rx2

import importlib
from flask import request

def plugin():
    name = request.args["plugin"]
    # ruleid: python-importlib-non-literal
    mod = importlib.import_module(request.args["plugin"])
    # ok: python-importlib-non-literal
    mod = importlib.import_module(PLUGINS.get(name, "plugins.default"))
    # ok: python-importlib-non-literal
    mod = importlib.import_module("plugins.default")

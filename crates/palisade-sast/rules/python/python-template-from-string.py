from flask import render_template_string, request

def hello():
    name = request.args.get("name")
    # ruleid: python-template-from-string
    return render_template_string("<h1>Hello " + name + "</h1>")

def hello_ok():
    # ok: python-template-from-string
    return render_template_string("<h1>Hello {{ name }}</h1>", name=request.args.get("name"))

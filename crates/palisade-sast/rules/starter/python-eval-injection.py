import ast

def handler(request):
    # ruleid: python-eval-injection
    eval(request.GET["expr"])
    # ruleid: python-eval-injection
    exec(code, {})
    # ok: python-eval-injection
    eval("1 + 1")
    # ok: python-eval-injection
    ast.literal_eval(request.GET["expr"])

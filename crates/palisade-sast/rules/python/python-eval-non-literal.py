def calc(expr):
    # ruleid: python-eval-non-literal
    return eval(expr)

def run(code):
    # ruleid: python-eval-non-literal
    exec(code, {})

def safe(expr):
    import ast
    # ok: python-eval-non-literal
    return ast.literal_eval(expr)

from markupsafe import Markup

def greet(name):
    # ruleid: python-markup-formatted-string
    return Markup(f"<b>Hello {name}</b>")

def greet_safe(name):
    # ok: python-markup-formatted-string
    return Markup("<b>Hello {}</b>").format(name)

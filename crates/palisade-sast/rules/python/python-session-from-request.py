from flask import request, session

def set_lang():
    lang = request.args.get("lang")
    # ruleid: python-session-from-request
    session["role"] = request.args.get("role")
    # ok: python-session-from-request
    session["lang"] = lang if lang in SUPPORTED_LANGS else "en"

def django_view(request):
    # ruleid: python-session-from-request
    request.session["user_id"] = request.POST.get("user_id")

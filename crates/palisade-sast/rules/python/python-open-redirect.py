from flask import redirect, request, url_for
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

def after_login():
    # ruleid: python-open-redirect
    return redirect(request.args.get("next"))

def after_login_django(request):
    # ruleid: python-open-redirect
    return HttpResponseRedirect(request.GET["next"])

def after_login_checked(request):
    nxt = request.GET.get("next")
    if url_has_allowed_host_and_scheme(request.GET.get("next"), allowed_hosts={request.get_host()}):
        # ok: python-open-redirect
        return HttpResponseRedirect(request.GET.get("next"))
    # ok: python-open-redirect
    return redirect(url_for("home"))

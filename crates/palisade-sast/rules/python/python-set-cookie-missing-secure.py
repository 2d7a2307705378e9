def login(resp, sid):
    # ruleid: python-set-cookie-missing-secure
    resp.set_cookie("session", sid, httponly=True)
    # ok: python-set-cookie-missing-secure
    resp.set_cookie("session", sid, secure=True, httponly=True, samesite="Lax")

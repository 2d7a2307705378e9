def login(resp, sid):
    # ruleid: python-set-cookie-missing-httponly
    resp.set_cookie("session", sid, secure=True)
    # ok: python-set-cookie-missing-httponly
    resp.set_cookie("session", sid, secure=True, httponly=True)

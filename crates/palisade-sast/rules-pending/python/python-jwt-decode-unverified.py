import jwt

def claims(token, key):
    # ruleid: python-jwt-decode-unverified
    a = jwt.decode(token, options={"verify_signature": False})
    # ruleid: python-jwt-decode-unverified
    b = jwt.decode(token, key, algorithms=["HS256", "none"])
    # ok: python-jwt-decode-unverified
    c = jwt.decode(token, key, algorithms=["HS256"], audience="api")
    return a, b, c

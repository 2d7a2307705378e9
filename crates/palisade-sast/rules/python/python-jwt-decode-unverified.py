import jwt
from flask import request


def claims(token, key):
    # ruleid: python-jwt-decode-unverified
    a = jwt.decode(token, options={"verify_signature": False})
    # ruleid: python-jwt-decode-unverified
    b = jwt.decode(token, key, algorithms=["HS256", "none"])
    # ok: python-jwt-decode-unverified
    c = jwt.decode(token, key, algorithms=["HS256"], audience="api")
    return a, b, c


def current_user_id(secret):
    token = request.headers["Authorization"].removeprefix("Bearer ")
    # ruleid: python-jwt-decode-unverified
    payload = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": True, "verify_signature": False})
    return payload["sub"]


def legacy_claims(token):
    # ruleid: python-jwt-decode-unverified
    return jwt.decode(token, verify=False)


def strict_claims(token, public_key):
    # ok: python-jwt-decode-unverified
    return jwt.decode(token, public_key, algorithms=["RS256"], options={"require": ["exp", "sub"]})

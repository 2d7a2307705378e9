import hashlib

def sign(data):
    # ruleid: python-weak-hash-sha1
    return hashlib.sha1(data).hexdigest()

def sign_ok(data):
    # ok: python-weak-hash-sha1
    return hashlib.sha256(data).hexdigest()

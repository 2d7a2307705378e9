import hashlib

def fingerprint(data):
    # ruleid: python-weak-hash-md5
    return hashlib.md5(data).hexdigest()

def etag(data):
    # ok: python-weak-hash-md5
    return hashlib.md5(data, usedforsecurity=False).hexdigest()

def digest(data):
    # ok: python-weak-hash-md5
    return hashlib.sha256(data).hexdigest()

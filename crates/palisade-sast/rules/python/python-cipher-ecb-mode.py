from Crypto.Cipher import AES
from cryptography.hazmat.primitives.ciphers import modes

def enc(key):
    # ruleid: python-cipher-ecb-mode
    a = AES.new(key, AES.MODE_ECB)
    # ruleid: python-cipher-ecb-mode
    m = modes.ECB()
    # ok: python-cipher-ecb-mode
    b = AES.new(key, AES.MODE_GCM)
    return a, b, m

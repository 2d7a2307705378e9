from Crypto.Cipher import DES, AES

def enc(key, data):
    # ruleid: python-weak-cipher
    c = DES.new(key, DES.MODE_CBC)
    # ok: python-weak-cipher
    g = AES.new(key, AES.MODE_GCM)
    return c, g

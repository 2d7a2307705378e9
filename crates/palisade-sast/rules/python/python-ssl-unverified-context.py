import ssl

def ctx():
    # ruleid: python-ssl-unverified-context
    c = ssl._create_unverified_context()
    d = ssl.create_default_context()
    # ruleid: python-ssl-unverified-context
    d.check_hostname = False
    # ok: python-ssl-unverified-context
    e = ssl.create_default_context(cafile="/etc/ssl/internal.pem")
    return c, d, e

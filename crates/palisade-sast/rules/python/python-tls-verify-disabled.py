import requests, httpx

def fetch(url):
    # ruleid: python-tls-verify-disabled
    requests.get(url, verify=False, timeout=5)
    # ruleid: python-tls-verify-disabled
    client = httpx.Client(verify=False)
    # ok: python-tls-verify-disabled
    requests.get(url, verify="/etc/ssl/certs/internal-ca.pem", timeout=5)

import requests
from flask import request

def preview():
    # ruleid: python-ssrf-request-url
    return requests.get(request.args["url"], timeout=5).text

def weather():
    # ok: python-ssrf-request-url
    return requests.get("https://api.weather.example/v1", params={"city": request.args["city"]}, timeout=5).text

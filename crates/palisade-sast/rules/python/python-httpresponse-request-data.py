from django.http import HttpResponse
from django.utils.html import escape

def hello(request):
    # ruleid: python-httpresponse-request-data
    return HttpResponse("Hello " + request.GET.get("name", ""))

def hello_safe(request):
    # ok: python-httpresponse-request-data
    return HttpResponse("Hello " + escape(request.GET.get("name", "")))

from django.views.decorators.csrf import csrf_exempt, csrf_protect

# ruleid: python-django-csrf-exempt
@csrf_exempt
def transfer(request):
    return do_transfer(request)

# ok: python-django-csrf-exempt
@csrf_protect
def transfer_ok(request):
    return do_transfer(request)

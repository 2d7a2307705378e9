import os
# ruleid: python-django-debug-true
DEBUG = True
# ok: python-django-debug-true
TEMPLATE_DEBUG = os.environ.get("DJANGO_DEBUG") == "1"

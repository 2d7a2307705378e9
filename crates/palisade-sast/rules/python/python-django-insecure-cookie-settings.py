# ruleid: python-django-insecure-cookie-settings
SESSION_COOKIE_SECURE = False
# ok: python-django-insecure-cookie-settings
CSRF_COOKIE_SECURE = True

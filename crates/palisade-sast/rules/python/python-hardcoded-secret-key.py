import os
# ruleid: python-hardcoded-secret-key
SECRET_KEY = "django-insecure-9x!2k@l0v3ly"
app = make_app()
# ok: python-hardcoded-secret-key
app.secret_key = os.environ["FLASK_SECRET_KEY"]

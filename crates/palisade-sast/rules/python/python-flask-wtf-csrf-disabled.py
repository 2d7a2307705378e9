from flask import Flask
app = Flask(__name__)
# ruleid: python-flask-wtf-csrf-disabled
app.config["WTF_CSRF_ENABLED"] = False
# ok: python-flask-wtf-csrf-disabled
app.config["WTF_CSRF_TIME_LIMIT"] = 3600

import os
from flask import Flask
app = Flask(__name__)
# ruleid: python-flask-debug-enabled
app.run(host="0.0.0.0", debug=True)
# ok: python-flask-debug-enabled
app.run(host="0.0.0.0", debug=os.environ.get("FLASK_DEBUG") == "1")

from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
# ruleid: python-cors-any-origin
CORS(app, supports_credentials=True, origins="*")
# ok: python-cors-any-origin
CORS(app, origins=["https://app.example.com"])
# ruleid: python-cors-any-origin
CORS_ALLOW_ALL_ORIGINS = True

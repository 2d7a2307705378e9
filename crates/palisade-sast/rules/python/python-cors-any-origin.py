from flask import Flask, jsonify
from flask_cors import CORS, cross_origin

app = Flask(__name__)
# ruleid: python-cors-any-origin
CORS(app, supports_credentials=True, origins="*")
# ok: python-cors-any-origin
CORS(app, origins=["https://app.example.com"], supports_credentials=True)
# ruleid: python-cors-any-origin
CORS(app, resources={r"/api/*": {"origins": "*"}})
# ok: python-cors-any-origin
CORS(app, resources={r"/api/*": {"origins": ["https://app.example.com"]}})
# ruleid: python-cors-any-origin
CORS(app)


@app.route("/api/me")
# ruleid: python-cors-any-origin
@cross_origin(origins="*", supports_credentials=True)
def me():
    return jsonify(name="x")


@app.after_request
def add_headers(response):
    # ruleid: python-cors-any-origin
    response.headers["Access-Control-Allow-Origin"] = "*"
    # ok: python-cors-any-origin
    response.headers["Access-Control-Allow-Methods"] = "GET, POST"
    return response


# Django settings
# ruleid: python-cors-any-origin
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = True
# ok: python-cors-any-origin
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]

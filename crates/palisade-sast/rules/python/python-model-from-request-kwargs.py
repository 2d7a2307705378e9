from flask import request

def update():
    # ruleid: python-model-from-request-kwargs
    user = User(**request.json)
    # ruleid: python-model-from-request-kwargs
    User.query.filter_by(id=1).update(**request.get_json())
    # ok: python-model-from-request-kwargs
    user2 = User(name=request.json["name"], email=request.json["email"])
    return user, user2

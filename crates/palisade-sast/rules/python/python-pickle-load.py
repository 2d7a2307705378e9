import pickle, json

def restore(blob):
    # ruleid: python-pickle-load
    return pickle.loads(blob)

def restore_json(blob):
    # ok: python-pickle-load
    return json.loads(blob)

def save(obj):
    # ok: python-pickle-load
    return pickle.dumps(obj)

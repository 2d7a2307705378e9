import yaml

def parse(text):
    # ruleid: python-yaml-unsafe-load
    a = yaml.load(text, Loader=yaml.Loader)
    # ruleid: python-yaml-unsafe-load
    b = yaml.unsafe_load(text)
    # ok: python-yaml-unsafe-load
    c = yaml.safe_load(text)
    # ok: python-yaml-unsafe-load
    d = yaml.load(text, Loader=yaml.SafeLoader)
    return a, b, c, d

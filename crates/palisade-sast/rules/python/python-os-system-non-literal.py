import os

def convert(path):
    # ruleid: python-os-system-non-literal
    os.system("convert %s out.png" % path)
    # ruleid: python-os-system-non-literal
    os.popen("file " + path).read()
    # ok: python-os-system-non-literal
    os.system("sync")

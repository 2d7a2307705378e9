import tarfile

def unpack(path, dest):
    t = tarfile.open(path)
    # ruleid: python-tarfile-extractall-no-filter
    t.extractall(dest)
    # ok: python-tarfile-extractall-no-filter
    t.extractall(dest, filter="data")

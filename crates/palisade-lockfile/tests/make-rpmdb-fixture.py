#!/usr/bin/env python3
"""Writes fixtures/rootfs/var/lib/rpm/rpmdb.sqlite: an RPM database in SQLite format with
two package headers (one large enough to need SQLite overflow pages), the layout RPM 4.16+
uses. Run from this directory; the output is committed, this script documents it."""
import sqlite3, struct, os

STRING, INT32, BIN = 6, 4, 7

def header(tags):
    """tags: list of (tag, type, value) -> an RPM header blob (index entries + data store)."""
    index, store = b"", b""
    for tag, typ, value in tags:
        if typ == INT32:
            while len(store) % 4:
                store += b"\0"
            data, count = struct.pack(">i", value), 1
        elif typ == BIN:
            data, count = value, len(value)
        else:
            data, count = value.encode() + b"\0", 1
        index += struct.pack(">iiii", tag, typ, len(store), count)
        store += data
    return struct.pack(">ii", len(tags), len(store)) + index + store

pkgs = [
    header([(1000, STRING, "openssl-libs"), (1001, STRING, "3.0.7"), (1002, STRING, "27.el9"),
            (1003, INT32, 1), (1022, STRING, "x86_64"), (1044, STRING, "openssl-3.0.7-27.el9.src.rpm")]),
    header([(1000, STRING, "bash"), (1001, STRING, "5.1.8"), (1002, STRING, "9.el9"),
            (1022, STRING, "x86_64"), (1044, STRING, "bash-5.1.8-9.el9.src.rpm"),
            (1016, BIN, bytes(range(256)) * 40)]),
]
out = "fixtures/rootfs/var/lib/rpm/rpmdb.sqlite"
if os.path.exists(out):
    os.remove(out)
db = sqlite3.connect(out)
db.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
db.execute("CREATE TABLE Name (key TEXT NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL)")
for blob in pkgs:
    db.execute("INSERT INTO Packages (blob) VALUES (?)", (blob,))
db.commit()
db.execute("VACUUM")
db.close()

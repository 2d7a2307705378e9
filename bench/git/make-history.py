#!/usr/bin/env python3
"""Writes a git fast-import stream of a synthetic history built from real source files.

Commit 1 adds every text file of a source tree; every later commit edits a random 5%
of the files (inserts a line, rewrites another) until the unique blob content reaches
--target-bytes. A fake AWS key id is added in one commit and deleted a few commits later,
now and then, so that the scan has something to find that only history holds.
Deterministic for a given seed and source tree.
"""
import argparse
import os
import random
import sys

FAKE_KEY = "AKIAQ3EGUS7LGVHXN2PA"  # a fake key id, the one the palisade tests use
TEXT_EXT = {".py", ".txt", ".html", ".js", ".css", ".po", ".json", ".xml", ".rst", ".cfg", ".toml", ".md", ".sh"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("source", help="directory of source files")
    ap.add_argument("--target-bytes", type=int, default=3 * 1024**3)
    ap.add_argument("--fraction", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    files = {}
    for root, dirs, names in os.walk(args.source):
        dirs.sort()
        for name in sorted(names):
            p = os.path.join(root, name)
            if os.path.splitext(name)[1] not in TEXT_EXT or os.path.getsize(p) > 1_000_000:
                continue
            with open(p, "rb") as f:
                data = f.read()
            if b"\0" in data:
                continue
            files[os.path.relpath(p, args.source).replace(os.sep, "/")] = data.split(b"\n")
    paths = sorted(files)
    out = sys.stdout.buffer
    mark = 0
    total = 0
    t = 1_600_000_000

    def blob(lines: list) -> int:
        nonlocal mark, total
        data = b"\n".join(lines)
        mark += 1
        total += len(data)
        out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)))
        out.write(data)
        out.write(b"\n")
        return mark

    def commit(n: int, changes: list, deletes: list) -> None:
        nonlocal t
        t += 3600
        msg = b"commit %d\n" % n
        who = b"Bench Author %d <author%d@example.com>" % (n % 17, n % 17)
        out.write(b"commit refs/heads/main\n")
        out.write(b"author %s %d +0000\ncommitter %s %d +0000\n" % (who, t, who, t))
        out.write(b"data %d\n%s" % (len(msg), msg))
        for path, m in changes:
            out.write(b"M 100644 :%d %s\n" % (m, path.encode()))
        for path in deletes:
            out.write(b"D %s\n" % path.encode())
        out.write(b"\n")

    commit(1, [(p, blob(files[p])) for p in paths], [])
    n = 1
    planted = None
    while total < args.target_bytes:
        n += 1
        changes = []
        deletes = []
        for p in rng.sample(paths, max(1, int(len(paths) * args.fraction))):
            lines = files[p]
            i = rng.randrange(len(lines) + 1)
            lines.insert(i, b"# bench edit %d %016x" % (n, rng.getrandbits(64)))
            j = rng.randrange(len(lines))
            lines[j] = lines[j] + b" # %d" % n
            changes.append((p, blob(lines)))
        if n % 200 == 0:
            planted = "bench/leaked_%d.py" % n
            changes.append((planted, blob([b"AWS_ACCESS_KEY_ID = '%s'" % FAKE_KEY.encode(), b""])))
        elif planted and n % 200 == 3:
            deletes.append(planted)
            planted = None
        commit(n, changes, deletes)
    out.write(b"done\n")
    print(f"{n} commits, {mark} blobs, {total} blob bytes", file=sys.stderr)


if __name__ == "__main__":
    main()

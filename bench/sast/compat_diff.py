#!/usr/bin/env python3
"""Runs Semgrep on each rule file of a compat directory against its sibling test files and
prints every line where Semgrep disagrees with the `ruleid:`/`ok:` annotations (which
palisade passes). Usage: compat_diff.py SEMGREP_BIN DIR"""
import json, os, re, subprocess, sys

semgrep, root = sys.argv[1], sys.argv[2]
ann = re.compile(r"(?:#|//|/\*)\s*(todoruleid|todook|ruleid|ok)\s*:\s*([\w\-., ]+)")
exts = (".py", ".js", ".ts", ".tsx", ".java", ".go", ".rb", ".php", ".cs", ".kt")
total = 0
for name in sorted(os.listdir(root)):
    if not name.endswith((".yaml", ".yml")):
        continue
    stem = os.path.join(root, name.rsplit(".", 1)[0])
    tests = [stem + e for e in exts if os.path.exists(stem + e)]
    if not tests:
        continue
    r = subprocess.run([semgrep, "scan", "--metrics=off", "--json", "--config", os.path.join(root, name)] + tests,
                       capture_output=True, text=True)
    try:
        out = json.loads(r.stdout)
    except json.JSONDecodeError:
        print(f"{name}: semgrep failed: {r.stderr.strip()[:300]}")
        continue
    for e in out.get("errors", []):
        print(f"{name}: semgrep error: {e.get('type')}: {str(e.get('message'))[:200]}")
    got = {(os.path.normpath(x["path"]), x["start"]["line"], x["check_id"].split(".")[-1]) for x in out["results"]}
    want = set()
    for t in tests:
        pending = []
        for i, line in enumerate(open(t, encoding="utf-8"), 1):
            m = ann.search(line)
            if m and not line[: m.start()].strip():
                pending.append(m)
                continue
            if m:
                pending.append(m)
            elif not line.strip():
                continue
            for p in pending:
                if p.group(1) in ("ruleid", "todook"):
                    for rid in p.group(2).split(","):
                        want.add((os.path.normpath(t), i, rid.strip()))
            pending = []
    rules = {x[2] for x in want} | {x[2] for x in got}
    for path, line, rid in sorted(want - got):
        total += 1
        print(f"{os.path.relpath(path, root)}:{line}: {rid}: Semgrep misses (palisade fires)")
    for path, line, rid in sorted(got - want):
        total += 1
        print(f"{os.path.relpath(path, root)}:{line}: {rid}: Semgrep fires (palisade does not)")
print(f"{total} disagreement(s)")

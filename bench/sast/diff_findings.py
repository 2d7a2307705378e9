#!/usr/bin/env python3
"""Compares Semgrep JSON and palisade JSON findings as (path, line, rule) sets.
Usage: diff_findings.py SEMGREP.json PALISADE.json ROOT"""
import json, os, sys
from collections import Counter
s = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2])); root = sys.argv[3]
S = {(os.path.normpath(r["path"]), r["start"]["line"], r["check_id"].split(".")[-1]) for r in s["results"]}
P = set()
for f in p["findings"]:
    for loc in f["locations"]:
        P.add((os.path.normpath(os.path.join(root, loc["path"])), loc["start_line"], f["rule"].split("/", 1)[1]))
print(f"semgrep {len(S)}, palisade {len(P)}, both {len(S & P)}")
print("only semgrep:", dict(Counter(x[2] for x in S - P)))
print("only palisade:", dict(Counter(x[2] for x in P - S)))
for x in sorted(S - P): print("  only semgrep ", *x)
for x in sorted(P - S): print("  only palisade", *x)

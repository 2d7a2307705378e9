#!/usr/bin/env python3
"""Verdict agreement between palisade-terraform and Checkov on the checks both have.

usage: checkov_compat.py TFSCAN CHECKOV DIR[@CHECKOV_JSON] [...]
(with @CHECKOV_JSON, Checkov's saved `-o json` output for DIR is read instead of running it)

For every Checkov id a palisade check maps to (its `checkov` metadata), compares failed
results per (file, resource type.name): Checkov failures palisade also reports ("found"),
Checkov failures palisade misses, and palisade findings where Checkov passed the same resource.
"""
import collections
import json
import os
import re
import subprocess
import sys

import yaml  # installed with Checkov

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKS = os.path.join(HERE, "../../crates/palisade-terraform/src/checks.yaml")


def strip_address(a: str) -> str:
    """`module.a[0].data.t.n[1]` -> `t.n`; a module call `module.vpc` -> `vpc` (Checkov's names)."""
    a = re.sub(r"\[[^\]]*\]", "", a)
    parts = a.split(".")
    while len(parts) > 2 and parts[0] == "module":
        parts = parts[2:]
    if parts[0] == "data":
        parts = parts[1:]
    if len(parts) == 2 and parts[0] == "module":
        parts = parts[1:]
    return ".".join(parts)


def main() -> None:
    tfscan, checkov, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
    specs = yaml.safe_load(open(CHECKS))
    ck_to_ours = collections.defaultdict(set)
    for s in specs:
        for c in s.get("checkov", []):
            ck_to_ours[c].add(s["id"])
    totals = collections.Counter()
    per = collections.defaultdict(collections.Counter)
    misses = []
    extras = []
    for arg in dirs:
        d, _, saved = arg.partition("@")
        root = os.path.abspath(d)
        ours = collections.defaultdict(set)  # (file, res) -> our check ids
        ours_by_file = collections.defaultdict(set)  # file -> our check ids
        out = subprocess.run([tfscan, root, "--json"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            f = json.loads(line)
            ours[(f["file"], strip_address(f["address"]))].add(f["check"])
            ours_by_file[f["file"]].add(f["check"])
        if saved:
            res = open(saved).read()
        else:
            res = subprocess.run(
                [checkov, "-d", root, "--framework", "terraform", "--quiet", "-o", "json", "--skip-download"],
                capture_output=True, text=True,
            ).stdout
        data = json.loads(res) if res.strip() else {}
        reports = data if isinstance(data, list) else [data]
        for rep in reports:
            results = rep.get("results", {})
            for kind in ("failed_checks", "passed_checks"):
                for r in results.get(kind, []):
                    cid = r["check_id"]
                    if cid not in ck_to_ours:
                        continue
                    fp = r["file_path"].lstrip("/")
                    key = (fp, strip_address(r["resource"]))
                    hit = bool(ours.get(key, set()) & ck_to_ours[cid])
                    if kind == "failed_checks":
                        totals["checkov_failed"] += 1
                        per[cid]["failed"] += 1
                        if hit:
                            totals["found"] += 1
                            per[cid]["found"] += 1
                        elif ours_by_file.get(fp, set()) & ck_to_ours[cid]:
                            # Reported on the linked resource where the fix goes (e.g. the ACL).
                            totals["found_linked"] += 1
                            per[cid]["found_linked"] += 1
                        else:
                            misses.append((cid, fp, key[1]))
                    elif hit:
                        totals["palisade_only"] += 1
                        per[cid]["palisade_only"] += 1
                        extras.append((cid, fp, key[1]))
    print(f"overlapping Checkov ids: {len(ck_to_ours)}")
    found, failed = totals["found"], totals["checkov_failed"]
    pct = 100.0 * found / failed if failed else 100.0
    linked = totals["found_linked"]
    pct2 = 100.0 * (found + linked) / failed if failed else 100.0
    print(f"Checkov failed results on overlapping checks: {failed}; palisade found {found} on the same resource ({pct:.1f}%), {found + linked} counting findings on the linked resource in the same file ({pct2:.1f}%)")
    print(f"palisade findings where Checkov passed the same check: {totals['palisade_only']}")
    print("\n| Checkov id | failed | found (same resource) | found (linked resource) | palisade-only |")
    print("|---|---:|---:|---:|---:|")
    for cid in sorted(per):
        c = per[cid]
        print(f"| {cid} | {c['failed']} | {c['found']} | {c['found_linked']} | {c['palisade_only']} |")
    for title, rows in (("Missed (Checkov failed, palisade silent)", misses),
                        ("Palisade-only (Checkov passed the same check)", extras)):
        if not rows:
            continue
        print(f"\n{title}, first 3 per id:")
        by = collections.defaultdict(list)
        for m in sorted(set(rows)):
            by[m[0]].append(m)
        for cid, ms in sorted(by.items()):
            print(f"  {cid} ({len(ms)}): " + "; ".join(f"{m[1]} {m[2]}" for m in ms[:3]))


if __name__ == "__main__":
    main()

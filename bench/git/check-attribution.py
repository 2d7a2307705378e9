#!/usr/bin/env python3
"""Checks a `palisade secrets --git --format json` report against the git command line.

For a sample of finding locations, the blob at `commit:path` must first appear in
history in exactly that commit (`git log --all --reverse --find-object`), and every
finding's locations must be oldest first.

    bench/git/check-attribution.py REPO REPORT.json [SAMPLE]
"""
import json
import random
import subprocess
import sys


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, check=False).stdout


def main() -> int:
    repo, report = sys.argv[1], sys.argv[2]
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    findings = json.load(open(report))["findings"]
    locations = [loc for f in findings for loc in f["locations"] if loc.get("commit")]
    bad = 0
    for f in findings:
        dates = [loc["date"] for loc in f["locations"]]
        if dates != sorted(dates):
            bad += 1
            print("not oldest first:", f["rule"], f["fingerprint"])
    random.seed(1)
    sample = random.sample(locations, min(size, len(locations)))
    for loc in sample:
        blob = git(repo, "rev-parse", f"{loc['commit']}:{loc['path']}").strip()
        first = git(repo, "log", "--all", "--reverse", "--format=%H", f"--find-object={blob}").split()
        if not first or first[0] != loc["commit"]:
            bad += 1
            print("mismatch:", loc["path"], loc["commit"], first[:1])
    print(f"{len(locations)} locations, {len(sample)} checked against git, {bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

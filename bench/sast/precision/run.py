#!/usr/bin/env python3
"""Scores palisade and Semgrep CE on the precision suite (cases/, from gen.py).

A case is flagged when the tool reports the category's rule anywhere in the file.
Prints TPR, FPR and TPR-FPR per language x category, per category and overall.

usage: run.py [--palisade BIN] [--semgrep BIN]   (either may be `skip`)
"""
import argparse
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CWE = {"sqli": "CWE-89 SQL injection", "cmdi": "CWE-78 OS command", "path": "CWE-22 path traversal"}


def cases():
    out = []
    root = os.path.join(HERE, "cases")
    for lang in sorted(os.listdir(root)):
        for cat in sorted(os.listdir(os.path.join(root, lang))):
            for f in sorted(os.listdir(os.path.join(root, lang, cat))):
                real = "_real." in f
                out.append((lang, cat, os.path.join(root, lang, cat, f), real))
    return out


def flagged_palisade(binary):
    hits = set()
    for lang in ("python", "java", "javascript"):
        cmd = [binary, "sast", os.path.join(HERE, "cases", lang), "--rules",
               os.path.join(HERE, "rules", lang + ".yaml"), "--format", "json", "--fail-on", "never"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        doc = json.loads(r.stdout)
        root = os.path.join(HERE, "cases", lang)
        for f in doc.get("findings", []):
            for loc in f.get("locations", [])[:1]:
                # paths are relative to the scanned directory
                p = os.path.join(root, loc.get("path", ""))
                hits.add((os.path.realpath(p), f["rule"].rsplit("-", 1)[-1]))
    return hits


def flagged_semgrep(binary):
    hits = set()
    for lang in ("python", "java", "javascript"):
        cmd = [binary, "scan", "--metrics=off", "--disable-version-check", "--json", "--quiet",
               "--config", os.path.join(HERE, "rules", lang + ".yaml"), os.path.join(HERE, "cases", lang)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        doc = json.loads(r.stdout)
        for res in doc.get("results", []):
            hits.add((os.path.realpath(res["path"]), res["check_id"].rsplit("-", 1)[-1]))
    return hits


def score(name, hits, all_cases):
    table = collections.defaultdict(lambda: [0, 0, 0, 0])  # tp, fn, fp, tn
    for lang, cat, path, real in all_cases:
        hit = (os.path.realpath(path), cat) in hits
        for key in ((lang, cat), ("all", cat), ("all", "all")):
            t = table[key]
            if real:
                t[0 if hit else 1] += 1
            else:
                t[2 if hit else 3] += 1
    print(f"\n{name}")
    print(f"{'language':<11} {'category':<24} {'pairs':>5} {'TPR':>6} {'FPR':>6} {'TPR-FPR':>8}")
    for key in sorted(table, key=lambda k: (k[0] == "all", k)):
        tp, fn, fp, tn = table[key]
        tpr = tp / max(1, tp + fn)
        fpr = fp / max(1, fp + tn)
        lang, cat = key
        label = CWE.get(cat, "all")
        print(f"{lang:<11} {label:<24} {tp + fn:>5} {tpr:>6.2f} {fpr:>6.2f} {tpr - fpr:>8.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--palisade", default="palisade")
    ap.add_argument("--semgrep", default="semgrep")
    ap.add_argument("--show", action="store_true", help="list misclassified cases")
    a = ap.parse_args()
    all_cases = cases()
    for name, binary, fn in (("palisade", a.palisade, flagged_palisade), ("semgrep", a.semgrep, flagged_semgrep)):
        if binary == "skip":
            continue
        hits = fn(binary)
        score(f"{name} ({binary})", hits, all_cases)
        if a.show:
            for lang, cat, path, real in all_cases:
                if ((os.path.realpath(path), cat) in hits) != real:
                    print("  wrong:", os.path.relpath(path, HERE))


if __name__ == "__main__":
    sys.exit(main())

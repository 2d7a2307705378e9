#!/usr/bin/env python3
"""Data for the findings-store benchmarks (bench/triage/run.sh).

  gen.py tree DIR N       a tree with N fake AWS access key ids (unique, random), 100 a file
  gen.py sarif FILE N S   a SARIF 2.1.0 log of N results (seed S): 60 rules, 5,000 files,
                          a partialFingerprint each, severities spread like a real backlog
Deterministic for a given seed. Every key is random and fake.
"""
import json
import os
import random
import sys

B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def tree(out, n, seed=1):
    rnd = random.Random(seed)
    per_file = 100
    files = (n + per_file - 1) // per_file
    left = n
    for f in range(files):
        d = os.path.join(out, f"svc{f // 100:03d}")
        os.makedirs(d, exist_ok=True)
        lines = []
        for i in range(min(per_file, left)):
            key = "AKIA" + "".join(rnd.choice(B32) for _ in range(16))
            lines.append(f"AWS_ACCESS_KEY_ID_{i}={key}")
        left -= per_file
        with open(os.path.join(d, f"settings{f:05d}.env"), "w") as fh:
            fh.write("\n".join(lines) + "\n")


LEVELS = [("error", "9.1"), ("error", "7.5"), ("warning", "5.0"), ("note", "2.0")]
WEIGHTS = [2, 18, 50, 30]


def sarif(path, n, seed):
    rnd = random.Random(seed)
    rules = []
    for r in range(60):
        level, score = rnd.choices(LEVELS, WEIGHTS)[0]
        rules.append({
            "id": f"bench.rule-{r:02d}",
            "shortDescription": {"text": f"benchmark rule {r}"},
            "defaultConfiguration": {"level": level},
            "properties": {"security-severity": score, "tags": ["security", f"CWE-{20 + r}"]},
        })
    results = []
    for i in range(n):
        ri = rnd.randrange(len(rules))
        f = rnd.randrange(5000)
        line = rnd.randrange(1, 2000)
        results.append({
            "ruleId": rules[ri]["id"],
            "ruleIndex": ri,
            "message": {"text": f"finding {i} of seed {seed}: something unsafe in module {f}"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": f"src/mod{f // 50:03d}/file{f:04d}.py"},
                "region": {"startLine": line, "snippet": {"text": f"call_{i}(user_input)"}},
            }}],
            "partialFingerprints": {"benchHash/v1": f"{seed:04d}-{i:08d}"},
        })
    doc = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "benchtool", "semanticVersion": "1.0.0", "rules": rules}},
                  "results": results}],
    }
    with open(path, "w") as fh:
        json.dump(doc, fh, separators=(",", ":"))


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "tree":
        tree(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) >= 5 and sys.argv[1] == "sarif":
        sarif(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(__doc__)

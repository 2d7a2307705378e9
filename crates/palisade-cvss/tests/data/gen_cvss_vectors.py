"""Generates CVSS v3.x and v4.0 test vectors with the `cvss` PyPI package (RedHat's).
Random but seeded, so re-running gives the same file. Output: TSV vector<TAB>score."""
import random, sys
from cvss import CVSS3, CVSS4

rng = random.Random(20261129)

V4_BASE = [("AV","NALP"),("AC","LH"),("AT","NP"),("PR","NLH"),("UI","NPA"),
           ("VC","HLN"),("VI","HLN"),("VA","HLN"),("SC","HLN"),("SI","HLN"),("SA","HLN")]
V4_OPT = [("E","XAPU"),("CR","XHML"),("IR","XHML"),("AR","XHML"),
          ("MAV","XNALP"),("MAC","XLH"),("MAT","XNP"),("MPR","XNLH"),("MUI","XNPA"),
          ("MVC","XHLN"),("MVI","XHLN"),("MVA","XHLN"),("MSC","XHLN"),("MSI","XSHLN"),("MSA","XSHLN")]
V4_SUPP = [("S","XNP"),("AU","XNY"),("R","XAUI"),("V","XDC"),("RE","XLMH"),("U",["X","Clear","Green","Amber","Red"])]

def v4(kind):
    parts = ["CVSS:4.0"] + [f"{k}:{rng.choice(v)}" for k, v in V4_BASE]
    if kind >= 1:
        parts.append(f"E:{rng.choice('APU')}")
    if kind >= 2:
        for k, v in V4_OPT[1:]:
            if rng.random() < 0.5:
                parts.append(f"{k}:{rng.choice(v)}")
    if kind >= 3:
        for k, v in V4_SUPP:
            if rng.random() < 0.4:
                parts.append(f"{k}:{rng.choice(v)}")
    return "/".join(parts)

V3_BASE = [("AV","NALP"),("AC","LH"),("PR","NLH"),("UI","NR"),("S","UC"),("C","HLN"),("I","HLN"),("A","HLN")]

def v3(ver):
    return f"CVSS:{ver}/" + "/".join(f"{k}:{rng.choice(v)}" for k, v in V3_BASE)

which = sys.argv[1]
seen = set()
out = []
if which == "v4":
    # Hand-picked corners first, then random vectors of growing detail.
    fixed = [
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
        "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N",
        "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S/MSA:S",
        "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L/E:P/CR:L/IR:L/AR:L",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MVC:H",
    ]
    for f in fixed:
        out.append(f)
    kinds = [0]*20 + [1]*15 + [2]*25 + [3]*15
    for k in kinds:
        while True:
            vec = v4(k)
            if vec not in seen:
                seen.add(vec); out.append(vec); break
    for vec in out:
        c = CVSS4(vec)
        print(f"{vec}\t{c.base_score:.1f}")
else:
    for ver in ["3.1"]*40 + ["3.0"]*20:
        vec = v3(ver)
        if vec in seen: continue
        seen.add(vec)
        c = CVSS3(vec)
        print(f"{vec}\t{c.base_score}")

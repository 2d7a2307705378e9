#!/usr/bin/env python3
"""Writes the RustSec advisory-db layout (crates/<name>/RUSTSEC-*.md, TOML front matter)
from the OSV export of RustSec in the shared bundle, so that cargo-audit can read the same
advisories offline (`cargo audit --db DIR --no-fetch`).

Usage: osv_to_rustsec.py BUNDLE/crates.io.jsonl.zst OUT_DIR

OSV SEMVER ranges list when a package is affected (introduced / fixed / last_affected
events); RustSec lists the complement (`unaffected`: versions before the first
introduction, `patched`: from each fix up to the next introduction). Converting back:
  events sorted as OSV lists them, per range:
    introduced "0.0.0-0" or "0"       -> nothing unaffected below
    introduced X (first)              -> unaffected "< X"
    fixed F, next introduced N        -> patched ">= F, < N"
    fixed F, no next introduced       -> patched ">= F"
    last_affected L                   -> patched "> L" (bounded by the next introduced)
Withdrawn advisories keep `withdrawn`, informational ones `informational`, as RustSec does.
"""
import json
import os
import subprocess
import sys


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def requirements(ranges):
    unaffected, patched = [], []
    for r in ranges:
        if r.get("type") != "SEMVER":
            continue
        evs = r.get("events", [])
        # Split into (introduced, end, end_kind) intervals, in the order given.
        intervals = []
        cur = None
        for e in evs:
            if "introduced" in e:
                cur = [e["introduced"], None, None]
                intervals.append(cur)
            elif cur is not None and "fixed" in e:
                cur[1], cur[2] = e["fixed"], "fixed"
            elif cur is not None and "last_affected" in e:
                cur[1], cur[2] = e["last_affected"], "last"
        for i, (intro, end, kind) in enumerate(intervals):
            if i == 0 and intro not in ("0", "0.0.0-0", "0.0.0"):
                unaffected.append(f"< {intro}")
            if end is None:
                continue
            op = ">=" if kind == "fixed" else ">"
            nxt = intervals[i + 1][0] if i + 1 < len(intervals) else None
            patched.append(f"{op} {end}" + (f", < {nxt}" if nxt else ""))
    return unaffected, patched


def main():
    src, out = sys.argv[1], sys.argv[2]
    data = subprocess.run(["zstd", "-dc", src], check=True, capture_output=True).stdout
    n = 0
    for line in data.decode().splitlines():
        d = json.loads(line)
        aff = [a for a in d.get("affected", []) if a.get("package", {}).get("ecosystem") == "crates.io"]
        if not aff:
            continue
        a = aff[0]
        name = a["package"]["name"]
        unaffected, patched = requirements(a.get("ranges", []))
        ds = a.get("database_specific") or {}
        date = (d.get("published") or "1970-01-01")[:10]
        lines = ["```toml", "[advisory]", f"id = {toml_str(d['id'])}", f"package = {toml_str(name)}",
                 f"date = {toml_str(date)}"]
        url = next((r["url"] for r in d.get("references", []) if r.get("type") in ("ADVISORY", "WEB")), None)
        if url:
            lines.append(f"url = {toml_str(url)}")
        lines.append("categories = " + json.dumps(ds.get("categories") or []))
        aliases = [x for x in d.get("aliases", []) if not x.startswith("RUSTSEC-")]
        lines.append("aliases = " + json.dumps(aliases))
        if ds.get("cvss"):
            lines.append(f"cvss = {toml_str(ds['cvss'])}")
        if ds.get("informational"):
            lines.append(f"informational = {toml_str(ds['informational'])}")
        if d.get("withdrawn"):
            lines.append(f"withdrawn = {toml_str(d['withdrawn'][:10])}")
        lines += ["", "[versions]", "patched = " + json.dumps(patched),
                  "unaffected = " + json.dumps(unaffected), "```", "",
                  "# " + (d.get("summary") or d["id"]).replace("\n", " "), "",
                  (d.get("details") or "No details.").strip(), ""]
        path = os.path.join(out, "crates", name)
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, d["id"] + ".md"), "w") as f:
            f.write("\n".join(lines))
        n += 1
    print(f"{n} advisories written to {out}/crates", file=sys.stderr)


if __name__ == "__main__":
    main()

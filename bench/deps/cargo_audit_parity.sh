#!/usr/bin/env bash
# Parity with cargo-audit (issue 3, step 6): the same RustSec advisories per Cargo.lock.
#  1. converts the shared OSV RustSec bundle to the advisory-db layout cargo-audit reads
#     (bench/deps/osv_to_rustsec.py), and imports the same bundle into a palisade database;
#  2. runs `cargo audit --db DIR --no-fetch --file LOCK --json` and
#     `palisade deps LOCK --db DB --format json` on every Cargo.lock in
#     ../shared/data/lockfiles.tar.zst, and compares the RUSTSEC ids each reports
#     (cargo-audit: vulnerabilities and unmaintained/unsound/notice warnings; yanked-crate
#     warnings need the crates.io index and are not advisories);
#  3. times both over all the lockfiles (wall seconds, peak RSS) with GNU time.
# Usage: bench/deps/cargo_audit_parity.sh [PALISADE_BIN] [CARGO_AUDIT_BIN]
#   cargo-audit: `cargo install cargo-audit --locked --root /work/tools/cargo-audit`.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-${CARGO_TARGET_DIR:-target}/release/palisade}
audit=${2:-/work/tools/cargo-audit/bin/cargo-audit}
shared=${SHARED:-../shared/data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$audit" --version
python3 bench/deps/osv_to_rustsec.py "$shared/advisories/crates.io.jsonl.zst" "$work/advisory-db"
"$bin" db import "$shared/advisories/crates.io.jsonl.zst" --db "$work/osv.db" 2>&1 | tail -n 1
mkdir -p "$work/lf"
tar -I zstd -xf "$shared/lockfiles.tar.zst" -C "$work/lf"
mapfile -t locks < <(find "$work/lf" -type f -name '*Cargo.lock' | sort)
echo "${#locks[@]} Cargo.lock files"

mismatches=0
for lock in "${locks[@]}"; do
  name=${lock#"$work/lf/"}
  "$audit" audit --db "$work/advisory-db" --no-fetch --file "$lock" --json \
    > "$work/a.json" 2> "$work/a.err" || true
  "$bin" deps "$lock" --db "$work/osv.db" --no-config --fail-on never --format json \
    -o "$work/p.json" 2> "$work/p.err" || true
  if ! python3 - "$work/a.json" "$work/p.json" "$name" <<'PY'
import json, re, sys
a = json.load(open(sys.argv[1]))
p = json.load(open(sys.argv[2]))
ids_a = {v["advisory"]["id"] for v in a["vulnerabilities"]["list"]}
for kind, ws in (a.get("warnings") or {}).items():
    for w in ws:
        if w.get("advisory"):
            ids_a.add(w["advisory"]["id"])
ids_p = set()
for f in p["findings"]:
    if f["rule"] == "deps/vulnerable-dependency":
        ids_p.update(re.findall(r"RUSTSEC-\d{4}-\d{4}", f["message"]))
only_a, only_p = sorted(ids_a - ids_p), sorted(ids_p - ids_a)
status = "same" if not only_a and not only_p else "DIFFERENT"
print(f"{sys.argv[3]}: {status}: {len(ids_a)} cargo-audit, {len(ids_p)} palisade"
      + (f"; only cargo-audit: {only_a}" if only_a else "")
      + (f"; only palisade: {only_p}" if only_p else ""))
sys.exit(0 if status == "same" else 1)
PY
  then mismatches=$((mismatches + 1)); head -c 600 "$work/a.err"; fi
done
echo "lockfiles with different advisories: $mismatches"

# Timing: every Cargo.lock, one process per file for each tool (cargo-audit takes one
# lockfile per run), three rounds; then palisade over all of them in one run.
for round in 1 2 3; do
  /usr/bin/time -f "cargo-audit, all files, round $round: %e s wall, %M KiB peak RSS (max of one run)" \
    bash -c 'for l in "$@"; do "'"$audit"'" audit --db "'"$work/advisory-db"'" --no-fetch --file "$l" --json >/dev/null 2>&1 || true; done' _ "${locks[@]}" 2>&1 | tail -n 1
  /usr/bin/time -f "palisade,    all files, round $round: %e s wall, %M KiB peak RSS (max of one run)" \
    bash -c 'for l in "$@"; do "'"$bin"'" deps "$l" --db "'"$work/osv.db"'" --no-config --fail-on never --format json -o /dev/null 2>/dev/null || true; done' _ "${locks[@]}" 2>&1 | tail -n 1
done
mkdir -p "$work/all"
for l in "${locks[@]}"; do cp "$l" "$work/all/$(basename "$(dirname "$l")")-$(basename "$l")"; done
/usr/bin/time -f "palisade, one run over all: %e s wall, %M KiB peak RSS" \
  "$bin" deps "$work/all" --db "$work/osv.db" --no-config --fail-on never --format json -o /dev/null 2>&1 | tail -n 1
exit "$mismatches"

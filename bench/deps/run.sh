#!/usr/bin/env bash
# palisade deps / sbom timing targets (issue 3):
#  1. every lockfile in ../shared/data/lockfiles.tar.zst parsed and matched against the
#     whole shared OSV bundle: wall time and peak RSS (target < 1 s, < 150 MB);
#  2. the advisory database open (part of 1) and `db import` of the bundle (reported);
#  3. an SBOM (CycloneDX and SPDX) of a 1,000-package project (target < 50 ms).
# Usage: bench/deps/run.sh [PALISADE_BIN]   (default: target/release/palisade; build it with
# `cargo build --release -p palisade`). Needs zstd, hyperfine and GNU time.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-${CARGO_TARGET_DIR:-target}/release/palisade}
shared=${SHARED:-../shared/data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/lockfiles"
tar -I zstd -xf "$shared/lockfiles.tar.zst" -C "$work/lockfiles"
echo "lockfiles: $(find "$work/lockfiles" -type f | wc -l) files, $(du -sh "$work/lockfiles" | cut -f1)"

/usr/bin/time -f "db import: %e s wall, %M KiB peak RSS" \
  "$bin" db import "$shared/advisories" --db "$work/osv.db" 2>&1 | tail -n 2

# 1. All lockfiles, parsed and matched (JSON report to /dev/null). -j2: the 2-core target.
"$bin" deps "$work/lockfiles" --db "$work/osv.db" --no-config -j 2 --fail-on never \
  --format json -o "$work/deps.json" 2> "$work/deps.err" || true
python3 - "$work/deps.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"deps: {d['summary']['files_scanned']} files scanned, {len(d['findings'])} findings, "
      f"not audited: {d['summary'].get('not_audited', [])}")
PY
tail -n 1 "$work/deps.err"
for i in 1 2 3; do
  /usr/bin/time -f "deps run $i: %e s wall, %U+%S CPU-s, %M KiB peak RSS" \
    "$bin" deps "$work/lockfiles" --db "$work/osv.db" --no-config -j 2 --fail-on never \
    --format json -o /dev/null 2>&1 | tail -n 1
done
hyperfine --warmup 1 --runs ${RUNS:-10} -N --export-markdown "$work/deps.md" \
  "$bin deps $work/lockfiles --db $work/osv.db --no-config -j 2 --fail-on never --format json -o /dev/null" \
  >/dev/null
cat "$work/deps.md"

# 3. SBOM of a 1,000-package project (a Cargo.lock with 1,000 crates and edges).
mkdir -p "$work/p1000"
python3 - "$work/p1000/Cargo.lock" <<'PY'
import sys
out = ["version = 4", ""]
for i in range(1000):
    out += ["[[package]]", f'name = "crate{i:04}"', f'version = "1.{i % 50}.{i % 7}"',
            'source = "registry+https://github.com/rust-lang/crates.io-index"']
    deps = [f"crate{j:04}" for j in (i + 1, i + 2) if j < 1000]
    if deps:
        out.append("dependencies = [" + ", ".join(f'"{d}"' for d in deps) + "]")
    out.append("")
open(sys.argv[1], "w").write("\n".join(out))
PY
hyperfine --warmup 2 --runs ${RUNS:-20} -N --export-markdown "$work/sbom.md" \
  "$bin sbom $work/p1000 -f cyclonedx -o /dev/null" \
  "$bin sbom $work/p1000 -f spdx -o /dev/null" >/dev/null
cat "$work/sbom.md"
"$bin" sbom "$work/p1000" -f cyclonedx | python3 -c 'import json,sys; print("sbom components:", len(json.load(sys.stdin)["components"]))'

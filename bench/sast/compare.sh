#!/usr/bin/env bash
# palisade sast vs Semgrep CE, side by side in one run:
#   1. the compatibility suite (tests/sast-compat): every disagreement listed;
#   2. the Django sdist from PyPI with the 20 rules of bench/sast/rules: findings compared,
#      CPU time (user+sys), peak RSS and start-up.
# Semgrep and Django live under bench/.venv and bench/.corpus (git-ignored).
# Usage: bench/sast/compare.sh   (needs python3 -m venv, pip reaching PyPI, GNU time)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/bench/.venv"
corpus="$root/bench/.corpus"
out="$root/bench/.corpus/out"
mkdir -p "$corpus" "$out"
if [ ! -x "$venv/bin/semgrep" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q semgrep
fi
if [ ! -d "$corpus/django" ]; then
  "$venv/bin/pip" download -q --no-deps --no-binary :all: -d "$corpus" "django==5.1.4"
  tar -xzf "$corpus"/[Dd]jango-*.tar.gz -C "$corpus"
  mv "$corpus"/[Dd]jango-5.1.4 "$corpus/django"
fi
cargo build -q --release -p palisade
pal="${CARGO_TARGET_DIR:-$root/target}/release/palisade"
export SEMGREP_SEND_METRICS=off SEMGREP_ENABLE_VERSION_CHECK=0


echo "== compatibility suite (lines where Semgrep disagrees with the annotations palisade passes)"
"$pal" sast test "$root/tests/sast-compat" | tail -1
python3 "$here/compat_diff.py" "$venv/bin/semgrep" "$root/tests/sast-compat"

echo "== Django 5.1.4 package (django/django), 20 rules, one job each"
cd "$corpus"
# Semgrep skips test/ directories by default (django/test: 7 files); diff_findings.py lists them.
/usr/bin/time -f "%U %S %M" -o "$out/semgrep.time" "$venv/bin/semgrep" scan --metrics=off --no-git-ignore --config "$here/rules" --json -j 1 django/django > "$out/semgrep.json" 2>/dev/null || true
/usr/bin/time -f "%U %S %M" -o "$out/palisade.time" "$pal" sast django/django --no-config --rules "$here/rules" --format json -j 1 > "$out/palisade.json" 2>/dev/null || true
python3 "$here/diff_findings.py" "$out/semgrep.json" "$out/palisade.json" django/django
read -r su ss sm < "$out/semgrep.time"; read -r pu ps pm < "$out/palisade.time"
python3 - "$su" "$ss" "$sm" "$pu" "$ps" "$pm" <<'PY'
import sys
su, ss, sm, pu, ps, pm = map(float, sys.argv[1:])
print(f"CPU  semgrep {su+ss:.2f}s  palisade {pu+ps:.2f}s  ratio {(su+ss)/max(pu+ps,0.001):.1f}x")
print(f"RSS  semgrep {sm/1024:.0f} MB  palisade {pm/1024:.0f} MB")
PY
echo "== start-up (palisade sast on an empty directory, 10 runs)"
mkdir -p "$out/empty"
python3 - "$pal" "$out/empty" <<'PY'
import subprocess, sys, time
ts = []
for _ in range(10):
    t = time.perf_counter(); subprocess.run([sys.argv[1], "sast", sys.argv[2]], capture_output=True); ts.append(time.perf_counter() - t)
print(f"start-up median {sorted(ts)[5]*1000:.1f} ms")
PY

#!/bin/sh
# Benchmark: palisade threat-model vs OWASP pytm on equivalent generated models.
# Needs a release build (cargo build --release -p palisade) and pytm in a venv outside git:
#   python3 -m venv /tmp/pytm-venv && /tmp/pytm-venv/bin/pip install pytm==1.3.1   # 1.4.0 crashes in --report (AttributeError: Data has no name)
set -eu
N=${N:-1000}
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/palisade}
PY=${PY:-/tmp/pytm-venv/bin/python}
OUT=${OUT:-$(mktemp -d)}
here=$(dirname "$0")
mkdir -p "$OUT"
python3 "$here/gen.py" "$N" "$OUT"
echo "palisade: analyse + markdown report + SVG ($N elements)"
/usr/bin/time -f "  %e s wall, %M KB max RSS" "$BIN" threat-model "$OUT/model-$N.yaml" --format markdown -o "$OUT/report.md" --diagram "$OUT/model.svg"
grep -m1 -c . "$OUT/report.md" >/dev/null
echo "pytm: --report (threats + report) on the equivalent model"
printf '# {tm.name}\n{findings:repeat:* {{item.threat_id}} {{item.target}} {{item.description}}\n}\n' > "$OUT/tpl.md"
/usr/bin/time -f "  %e s wall, %M KB max RSS" "$PY" "$OUT/pytm-$N.py" --report "$OUT/tpl.md" > "$OUT/pytm-report.md"
echo "pytm: --dfd (Graphviz source only; rendering needs dot)"
/usr/bin/time -f "  %e s wall, %M KB max RSS" "$PY" "$OUT/pytm-$N.py" --dfd > "$OUT/pytm.dot"
echo "threats: palisade $(grep -c '^### ' "$OUT/report.md"), pytm $(grep -c '^\* ' "$OUT/pytm-report.md")"

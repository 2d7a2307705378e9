#!/usr/bin/env bash
# Terraform benchmark: palisade-terraform vs Checkov on a generated 500-file module and on the
# check examples. Usage: bench/iac/terraform.sh [RUNS]   (default 3)
# Needs python3 and cargo; Checkov comes from PyPI into bench/iac/.venv-checkov (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
HERE=bench/iac
GEN=$HERE/generated-tf500
EX=$HERE/generated-examples
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
CHECKOV_VERSION=${CHECKOV_VERSION:-3.3.30}

if [ ! -x "$HERE/.venv-checkov/bin/checkov" ]; then
  python3 -m venv "$HERE/.venv-checkov"
  "$HERE/.venv-checkov/bin/pip" install -q "checkov==$CHECKOV_VERSION"
fi
CHECKOV=$HERE/.venv-checkov/bin/checkov

cargo build -q --release -p palisade-terraform --example tfscan
TFSCAN=$CARGO_TARGET_DIR/release/examples/tfscan

rm -rf "$GEN" && python3 $HERE/gen_tf_module.py "$GEN" 500   # deterministic
rm -rf "$EX" && cargo run -q --release -p palisade-terraform --example tfscan -- --dump-examples "$EX"

echo "files: $(ls "$GEN" | wc -l), load: $(cut -d' ' -f1-3 /proc/loadavg)"
t() { /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1; }
for i in $(seq "$RUNS"); do
  echo "palisade tf500 (wall user sys maxrss_kb): $(t "$TFSCAN" "$GEN")"
done
echo "palisade start-up, missing dir: $(t "$TFSCAN" "$HERE/empty-dir-does-not-exist")"
echo "checkov  start-up, missing dir: $(t "$CHECKOV" -d "$HERE/empty-dir-does-not-exist" --framework terraform --quiet -o json --skip-download)"
STACK=crates/palisade-terraform/tests/fixtures/stack
echo "palisade stack (wall user sys maxrss_kb): $(t "$TFSCAN" "$STACK")"
echo "checkov  stack (wall user sys maxrss_kb): $(t "$CHECKOV" -d "$STACK" --framework terraform --quiet --compact -o json --skip-download)"
# Checkov needs minutes per run on this module: one run, its output kept for the comparison
# (REUSE_CHECKOV_TF500=1 reuses the kept output instead of running it again).
[ "${REUSE_CHECKOV_TF500:-}" = 1 ] && [ -s "$HERE/generated-checkov-tf500.json" ] && GEN_KEEP=1 || GEN_KEEP=
[ -n "$GEN_KEEP" ] || echo "checkov  tf500 (wall user sys maxrss_kb): $(/usr/bin/time -f "%e %U %S %M" "$CHECKOV" -d "$GEN" --framework terraform --quiet --compact -o json --skip-download 2>&1 >"$HERE/generated-checkov-tf500.json" | tail -1)"
"$TFSCAN" "$GEN" | tail -1
echo "palisade examples (wall user sys maxrss_kb): $(t "$TFSCAN" "$EX")"
echo "checkov  examples (wall user sys maxrss_kb): $(t "$CHECKOV" -d "$EX" --framework terraform --quiet --compact -o json --skip-download)"
"$HERE/.venv-checkov/bin/python" $HERE/checkov_compat.py "$TFSCAN" "$CHECKOV" "$EX" "$GEN@$HERE/generated-checkov-tf500.json" "$STACK"

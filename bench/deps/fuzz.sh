#!/usr/bin/env bash
# Runs every lockfile-parser fuzz target (fuzz/fuzz_targets/*.rs) for a bounded time each,
# seeded with the parser fixtures, and prints one line per target.
# Usage: bench/deps/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`; set CARGO_FUZZ to
# its binary when it is not on PATH).
set -euo pipefail
cd "$(dirname "$0")/../../fuzz"
secs=${1:-30}
fuzz=${CARGO_FUZZ:-cargo-fuzz}
export RUSTUP_TOOLCHAIN=${RUSTUP_TOOLCHAIN:-nightly}
"$fuzz" build --release >/dev/null 2>&1 || "$fuzz" build --release
fixtures=../crates/palisade-lockfile/tests/fixtures
failed=0
for t in $(ls fuzz_targets | sed 's/\.rs$//'); do
  mkdir -p "corpus/$t"
  # Seed: every fixture (each target sees all formats' bytes: cheap and diverse).
  if [ -z "$(ls -A "corpus/$t")" ]; then
    find "$fixtures" -type f -size -256k -exec cp {} "corpus/$t/" \; 2>/dev/null || true
  fi
  log=$(mktemp)
  if "$fuzz" run --release "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=65536 \
      -rss_limit_mb=1024 -timeout=10 >"$log" 2>&1; then
    runs=$(grep -oE '#[0-9]+' "$log" | tail -n 1 | tr -d '#')
    echo "$t: ok, ${runs:-?} executions in ${secs}s"
  else
    failed=$((failed + 1))
    echo "$t: FAILED (see fuzz/artifacts/$t)"; tail -n 20 "$log"
  fi
  rm -f "$log"
done
exit "$failed"

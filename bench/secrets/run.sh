#!/usr/bin/env bash
# Secrets: accuracy and speed of palisade against the peers, on one labelled corpus.
#
#   bench/secrets/run.sh [run.py options]      e.g. --runs 5 --slow-runs 1 --tools palisade,kingfisher
#
# 1. installs the peers, pinned, into git-ignored folders (once; SKIP_INSTALL=1 skips the check):
#      bench/.venv   pip: detect-secrets, credsweeper, kingfisher-bin (the PyPI wheel of the
#                    Kingfisher secret scanner; the crates.io crate `kingfisher` is unrelated)
#      bench/.node   npm: secretlint + @secretlint/secretlint-rule-preset-recommend
#      bench/.tools  cargo install --root: ripsecrets
#    and hyperfine (Debian) for the one-file timings;
# 2. builds palisade in release mode ($CARGO_TARGET_DIR, default ./target);
# 3. makes the corpus if absent (bench/secrets/gen_corpus.py -> bench/.corpus/secrets/);
# 4. runs bench/secrets/run.py: every tool on the same tree, rounds interleaved, and prints
#    the tables that docs/benchmarks.md keeps.
# Everything runs offline except the installs and the one-time sdist download.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
BENCH=$ROOT/bench
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}

DETECT_SECRETS=1.5.0
CREDSWEEPER=1.19.5
KINGFISHER_BIN=2.14.0
# secretlint 13 needs Node >= 22; 12.0.0 is the newest that runs on Debian's Node 20.
SECRETLINT=12.0.0
RIPSECRETS=0.1.11

log() { printf '== %s\n' "$*" >&2; }

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  if [ ! -x "$BENCH/.venv/bin/python" ]; then
    log "python venv: bench/.venv"
    python3 -m venv "$BENCH/.venv"
    "$BENCH/.venv/bin/pip" install --quiet --upgrade pip
  fi
  if ! "$BENCH/.venv/bin/pip" show --quiet "detect-secrets" "credsweeper" "kingfisher-bin" >/dev/null 2>&1 ||
     [ "$("$BENCH/.venv/bin/kingfisher" --version 2>/dev/null)" != "kingfisher $KINGFISHER_BIN" ]; then
    log "pip install detect-secrets==$DETECT_SECRETS credsweeper==$CREDSWEEPER kingfisher-bin==$KINGFISHER_BIN"
    "$BENCH/.venv/bin/pip" install --quiet "detect-secrets==$DETECT_SECRETS" \
      "credsweeper==$CREDSWEEPER" "kingfisher-bin==$KINGFISHER_BIN"
  fi
  if [ ! -x "$BENCH/.node/node_modules/.bin/secretlint" ]; then
    log "npm install secretlint@$SECRETLINT (bench/.node)"
    mkdir -p "$BENCH/.node"
    [ -f "$BENCH/.node/package.json" ] || echo '{"name": "palisade-bench", "private": true}' > "$BENCH/.node/package.json"
    (cd "$BENCH/.node" && npm install --no-audit --no-fund --silent \
      "secretlint@$SECRETLINT" "@secretlint/secretlint-rule-preset-recommend@$SECRETLINT")
  fi
  if [ ! -x "$BENCH/.tools/bin/ripsecrets" ]; then
    log "cargo install ripsecrets@$RIPSECRETS (bench/.tools)"
    cargo install --quiet --locked --root "$BENCH/.tools" ripsecrets --version "$RIPSECRETS"
  fi
  if ! command -v hyperfine >/dev/null; then
    log "apt-get install hyperfine"
    if [ "$(id -u)" = 0 ]; then
      apt-get install -y -qq hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; } ||
        log "hyperfine unavailable: the one-file timings will be skipped"
    else
      log "hyperfine missing (not root): the one-file timings will be skipped"
    fi
  fi
fi

log "cargo build --release -p palisade"
cargo build --quiet --release -p palisade
# A private copy: a target directory shared with other worktrees may be rebuilt under us.
mkdir -p "$BENCH/.tools"
cp "$CARGO_TARGET_DIR/release/palisade" "$BENCH/.tools/palisade"
PALISADE=$BENCH/.tools/palisade

if [ ! -f "$BENCH/.corpus/secrets/labels.json" ]; then
  log "generating the corpus (bench/.corpus/secrets)"
  "$BENCH/.venv/bin/python" "$BENCH/secrets/gen_corpus.py"
fi

exec "$BENCH/.venv/bin/python" "$BENCH/secrets/run.py" --palisade "$PALISADE" "$@"

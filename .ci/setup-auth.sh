#!/usr/bin/env bash
# palisade-auth's integration tests run a real OpenID provider (panva's oidc-provider, pinned in
# crates/palisade-auth/tests/oidc/package-lock.json) under Node.js. Idempotent and quiet.
set -euo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/crates/palisade-auth/tests/oidc"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "setup-auth: node/npm missing and cannot install them" >&2
    exit 1
  fi
fi
lock="$dir/package-lock.json"
stamp="$dir/node_modules/.palisade-lock-sha256"
want="$(sha256sum "$lock" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
echo "$want" > "$stamp"

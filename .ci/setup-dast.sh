#!/usr/bin/env bash
# palisade-dast's tests start nginx (Debian's package) on a free 127.0.0.1 port with their own
# prefix and configuration in a temporary directory. Idempotent and quiet.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
  # The package may start a system nginx on port 80; the tests run their own.
  (command -v service >/dev/null 2>&1 && service nginx stop >/dev/null 2>&1) || true
else
  echo "setup-dast: nginx missing and cannot install it (needs root and apt-get)" >&2
  exit 1
fi

#!/usr/bin/env bash
# palisade serve's browser end-to-end tests drive Debian's headless Chromium through
# chromedriver (WebDriver). Idempotent and quiet; installs only what is missing (as root).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
else
  echo "setup-serve: chromium/chromedriver missing and cannot install them (need root and apt-get)" >&2
  exit 1
fi

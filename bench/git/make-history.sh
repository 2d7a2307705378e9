#!/usr/bin/env bash
# Builds bench/.corpus/git-history.git: a bare repository whose history holds about
# TARGET bytes of unique blob content (default 3 GiB), made from Django's source files,
# then repacked the way `git gc` would (one pack, deltas). Needs python3, pip and git.
#
#   bench/git/make-history.sh [TARGET_BYTES]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
corpus="$here/../.corpus"
target="${1:-3221225472}"
mkdir -p "$corpus"
if [ ! -d "$corpus/django-src" ]; then
  pip download --no-deps --no-binary :all: django==5.2.19 -d "$corpus/dl"
  mkdir -p "$corpus/django-src"
  tar -xzf "$corpus"/dl/[Dd]jango-5.2.19.tar.gz -C "$corpus/django-src" --strip-components=1
fi
repo="$corpus/git-history.git"
rm -rf "$repo"
git init --quiet --bare "$repo"
python3 "$here/make-history.py" --target-bytes "$target" "$corpus/django-src" \
  | git -C "$repo" fast-import --quiet
git -C "$repo" tag bench-v1 main
# Like `git gc`: one pack with delta compression (window 10, depth 50).
git -C "$repo" repack -a -d -f --quiet
git -C "$repo" count-objects -vH
git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' \
  | awk '$1 == "blob" { n++; s += $2 } END { printf "%d unique blobs, %.2f GiB of blob content\n", n, s / 1073741824 }'

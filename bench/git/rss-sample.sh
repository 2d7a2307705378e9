#!/usr/bin/env bash
# Runs a command and samples its memory every 50 ms from /proc: prints the peak of
# VmRSS (all resident pages), RssAnon (heap, stacks) and RssFile (mapped files: the
# pack and its index, which the kernel can drop and re-read at will).
#   bench/git/rss-sample.sh COMMAND [ARGS...]
set -uo pipefail
"$@" &
pid=$!
peak_rss=0 peak_anon=0 peak_file=0
while kill -0 "$pid" 2>/dev/null; do
  if read -r rss anon file < <(awk '/^VmRSS/ {r=$2} /^RssAnon/ {a=$2} /^RssFile/ {f=$2} END {print r, a, f}' "/proc/$pid/status" 2>/dev/null); then
    [ -n "$rss" ] && [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
    [ -n "$anon" ] && [ "$anon" -gt "$peak_anon" ] && peak_anon=$anon
    [ -n "$file" ] && [ "$file" -gt "$peak_file" ] && peak_file=$file
  fi
  sleep 0.05
done
wait "$pid"
code=$?
echo "peak VmRSS ${peak_rss} kB, peak RssAnon ${peak_anon} kB, peak RssFile ${peak_file} kB" >&2
exit "$code"

#!/usr/bin/env bash
# palisade dast vs Wapiti on the vulnerable test application, and palisade's unthrottled
# throughput against static nginx. See docs/benchmarks.md (DAST section) for the figures.
#   cargo build -p palisade -p palisade-dast --example dast-vulnapp   (add --release for release)
#   BIN=$CARGO_TARGET_DIR/debug/palisade APP=$CARGO_TARGET_DIR/debug/examples/dast-vulnapp \
#   WAPITI=/work/venv-dast/bin/wapiti bash bench/dast/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-/tmp/dast-bench}"
mkdir -p "$out"
PORT="${PORT:-18080}"
URL="http://127.0.0.1:$PORT/"

start_app() {
  "$APP" "$PORT" > "$out/app-$1.log" 2>&1 &
  app=$!
  for _ in $(seq 50); do curl -s -o /dev/null "$URL" && break; sleep 0.1; done
}
stop_app() {
  kill -INT "$app"; wait "$app" || true
  grep -o '[0-9]* requests received' "$out/app-$1.log"
}

echo "== palisade dast (unthrottled) on the test app"
start_app palisade
/usr/bin/time -f "%e s wall, %M KB max RSS" "$BIN" dast "$URL" --rps 0 --allow-unsafe-methods \
  --cookie sid=alice --session-b "Cookie: sid=bob" --openapi "${URL}openapi.json" \
  -f json -o "$out/palisade.json" --fail-on never 2> "$out/palisade.err" || true
tail -n 8 "$out/palisade.err"
stop_app palisade
python3 "$here/score.py" palisade "$out/palisade.json"

if [ -x "${WAPITI:-}" ]; then
  echo "== wapiti (default modules) on the test app"
  start_app wapiti
  /usr/bin/time -f "%e s wall, %M KB max RSS" "$WAPITI" -u "$URL" --flush-session -H "Cookie: sid=alice" \
    -f json -o "$out/wapiti.json" --max-scan-time 600 > "$out/wapiti.log" 2>&1 || true
  tail -n 1 "$out/wapiti.log"
  stop_app wapiti
  python3 "$here/score.py" wapiti "$out/wapiti.json"
  echo "== wapiti (all attack modules) on the test app"
  start_app wapiti-all
  /usr/bin/time -f "%e s wall, %M KB max RSS" "$WAPITI" -u "$URL" --flush-session -H "Cookie: sid=alice" \
    -m "exec,file,sql,timesql,xss,redirect,ssrf,crlf,xxe,backup,htaccess,methods,csp,http_headers,cookieflags" \
    -f json -o "$out/wapiti-all.json" --max-scan-time 600 > "$out/wapiti-all.log" 2>&1 || true
  tail -n 1 "$out/wapiti-all.log"
  stop_app wapiti-all
  python3 "$here/score.py" wapiti "$out/wapiti-all.json"
fi

echo "== palisade dast --passive-only, unthrottled, against static nginx (2,000 pages)"
ng="$out/nginx"; rm -rf "$ng"; mkdir -p "$ng/www" "$ng/tmp" "$ng/logs"
python3 - "$ng/www" <<'PY'
import sys, os
d = sys.argv[1]
for i in range(2000):
    links = " ".join(f'<a href="/p{j}.html">{j}</a>' for j in (i * 7 % 2000, (i + 1) % 2000, i * 13 % 2000))
    open(os.path.join(d, f"p{i}.html"), "w").write(f"<!doctype html><title>{i}</title><p>page {i}</p>{links}")
open(os.path.join(d, "index.html"), "w").write("".join(f'<a href="/p{i}.html">{i}</a>' for i in range(0, 2000, 20)))
PY
chmod -R a+rX "$ng"
NPORT=$((PORT + 1))
cat > "$ng/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1; pid $ng/nginx.pid; error_log $ng/logs/error.log;
events { worker_connections 512; }
http { access_log off; types { text/html html; } keepalive_requests 100000;
  client_body_temp_path $ng/tmp/b; proxy_temp_path $ng/tmp/p; fastcgi_temp_path $ng/tmp/f; uwsgi_temp_path $ng/tmp/u; scgi_temp_path $ng/tmp/s;
  server { listen 127.0.0.1:$NPORT; root $ng/www; } }
CONF
/usr/sbin/nginx -p "$ng" -c "$ng/nginx.conf" -e "$ng/logs/error.log" & ngx=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$NPORT/" && break; sleep 0.1; done
/usr/bin/time -f "%e s wall, %M KB max RSS" "$BIN" dast "http://127.0.0.1:$NPORT/" --passive-only --rps 0 \
  --max-pages 2000 --max-depth 50 -f json -o "$out/nginx.json" --fail-on never 2> "$out/nginx.err" || true
tail -n 5 "$out/nginx.err"
kill "$ngx"; wait "$ngx" 2>/dev/null || true

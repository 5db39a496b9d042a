#!/usr/bin/env bash
# Drives the `tema serve` web page in headless Chromium: types answers, submits, and
# checks themes, evidence and counts against the API. Saves a screenshot to $1
# (default docs/serve-page.png).
# Installs chromium, chromium-driver (apt) and selenium (pip) if they are missing.
# Exit status: 0 passed, non-zero failed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if ! python3 -c 'import selenium' 2>/dev/null; then
    python3 -m pip install -q selenium
fi

cargo build -q --bin tema
log=$(mktemp)
target/debug/tema serve --addr 127.0.0.1:0 2>"$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
    grep -q 'listening on' "$log" && break
    sleep 0.1
done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1)
if [ -z "$url" ]; then
    echo "tema serve did not start:" >&2
    cat "$log" >&2
    exit 1
fi
python3 tests/web/page_test.py "$url" "${1:-docs/serve-page.png}"

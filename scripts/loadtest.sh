#!/usr/bin/env bash
# Load test of `tema serve` on loopback with wrk: POST /v1/classify with 1 and with
# 100 answers per request, at concurrency 1, 16 and 64. Prints a markdown table
# (requests/s, p50 and p99 latency, errors) and the machine's load average.
#
#   scripts/loadtest.sh                 # 10 s per cell
#   DURATION=5s scripts/loadtest.sh     # shorter
#   SERVE_FLAGS="--workers 1" scripts/loadtest.sh
#
# The answers are the 20 of examples/svar.csv (100-answer requests cycle them 5 times);
# the 1-answer request is the first of them (90 characters).
# "server CPU" is the server process's user+system time per request (from /proc), a
# figure that depends less on what else the machine is doing than requests/s does.
# Installs wrk (apt) if it is missing. Exits non-zero if any request failed.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
SERVE_FLAGS=${SERVE_FLAGS:-}

if ! command -v wrk >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
cargo build -q --release --bin tema 2>/dev/null || cargo build --release --bin tema

work=$(mktemp -d)
log="$work/serve.log"
# shellcheck disable=SC2086
target/release/tema serve --addr 127.0.0.1:0 $SERVE_FLAGS 2>"$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
    grep -q 'listening on' "$log" && break
    sleep 0.1
done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1)
[ -n "$url" ] || { cat "$log" >&2; exit 1; }

python3 - "$work" <<'PY'
import csv, json, sys
work = sys.argv[1]
with open("examples/svar.csv", encoding="utf-8") as f:
    texts = [r["svar"] for r in csv.DictReader(f, delimiter=";")]
json.dump({"texts": texts[:1]}, open(f"{work}/body1.json", "w"), ensure_ascii=False)
json.dump({"texts": (texts * 5)[:100]}, open(f"{work}/body100.json", "w"), ensure_ascii=False)
PY

for n in 1 100; do
    cat >"$work/post$n.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open("$work/body$n.json", "rb"))
wrk.body = f:read("*a")
f:close()
function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT %d %d %.3f %.3f %d\n", summary.requests, summary.duration,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        e.connect + e.read + e.write + e.status + e.timeout))
end
LUA
done

# Sanity: the request works and codes what we expect.
curl -sf -H 'Content-Type: application/json' --data-binary @"$work/body1.json" "$url/v1/classify" | grep -q '"themes":\["bolig"' \
    || { echo "the server did not code the test request" >&2; exit 1; }

echo "tema serve load test: $(nproc) cores, wrk -t1, $DURATION per cell, server flags: ${SERVE_FLAGS:-(defaults)}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| answers/request | concurrency | requests/s | answers/s | p50 ms | p99 ms | errors | server CPU µs/request |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
tck=$(getconf CLK_TCK)
# User + system CPU time of the server so far, in clock ticks (fields 14, 15 of stat).
server_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
failed=0
for n in 1 100; do
    # Warm up connections and caches.
    wrk -t1 -c16 -d1s -s "$work/post$n.lua" "$url/v1/classify" >/dev/null
    for c in 1 16 64; do
        t0=$(server_ticks)
        out=$(wrk -t1 -c"$c" -d"$DURATION" --timeout 10s -s "$work/post$n.lua" "$url/v1/classify")
        t1=$(server_ticks)
        read -r _ reqs micros p50 p99 errs < <(grep '^RESULT' <<<"$out")
        non2xx=$(grep -o 'Non-2xx or 3xx responses: [0-9]*' <<<"$out" | grep -o '[0-9]*$' || true)
        errs=$((errs + ${non2xx:-0}))
        [ "$errs" -eq 0 ] || failed=1
        python3 -c "r=$reqs/($micros/1e6); cpu=($t1-$t0)/$tck*1e6/$reqs; print(f'| $n | $c | {r:,.0f} | {r*$n:,.0f} | $p50 | $p99 | $errs | {cpu:,.0f} |')"
    done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $failed

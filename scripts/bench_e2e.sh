#!/usr/bin/env bash
# End-to-end speed of `tema count` (CSV in -> counts out) on bench corpora of several
# sizes, with 1 and 2 worker threads. Prints a markdown table; each figure is the median
# of REPS runs (wall time and peak RSS from /usr/bin/time -v).
#
#   scripts/bench_e2e.sh                     # 10k 100k 200k 1M answers, threads 1 and 2
#   SIZES="200000" THREADS="1 2" REPS=5 scripts/bench_e2e.sh
#   LEXICON=/tmp/bench/synth_20000.tema scripts/bench_e2e.sh
#
# Corpora come from ../shared/bench/gen_corpus.py (seed 1) and are cached in BENCH_DIR
# (/tmp/bench) under the names run_peers.sh uses. Set NO_BUILD=1 to skip `cargo build`.
# Other jobs on the machine skew wall times: the load average is printed with the table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
gen=${GEN:-$root/../shared/bench/gen_corpus.py}
[ -f "$gen" ] || gen=/work/shared/bench/gen_corpus.py
dir=${BENCH_DIR:-/tmp/bench}
sizes=${SIZES:-10000 100000 200000 1000000}
threads=${THREADS:-1 2}
reps=${REPS:-3}
mkdir -p "$dir"
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }
[ -n "${NO_BUILD:-}" ] || (cd "$root" && cargo build --release --quiet)
tema=$root/target/release/tema
lexargs=()
[ -n "${LEXICON:-}" ] && lexargs=(--lexicon "$LEXICON")

median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); lexicon: ${LEXICON:-default}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| answers | MB | threads | seconds | MB/s | peak RSS MB |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
for n in $sizes; do
  corpus=$dir/corpus_${n}_seed1.csv
  [ -s "$corpus" ] || python3 "$gen" --answers "$n" --seed 1 --out "$corpus"
  mb=$(awk -v b="$(stat -c %s "$corpus")" 'BEGIN {printf "%.1f", b / 1e6}')
  for t in $threads; do
    walls=() rsss=()
    for _ in $(seq "$reps"); do
      /usr/bin/time -v -o "$dir/e2e.time" "$tema" count "$corpus" --text-column answer --threads "$t" --quiet "${lexargs[@]}" >"$dir/e2e.out"
      walls+=("$(awk -F': ' '/Elapsed/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$dir/e2e.time")")
      rsss+=("$(awk -F': ' '/Maximum resident/ {print $2 / 1024}' "$dir/e2e.time")")
    done
    wall=$(printf '%s\n' "${walls[@]}" | median)
    rss=$(printf '%s\n' "${rsss[@]}" | median)
    awk -v n="$n" -v mb="$mb" -v t="$t" -v w="$wall" -v r="$rss" \
      'BEGIN {printf "| %d | %.1f | %d | %.2f | %.1f | %.0f |\n", n, mb, t, w, mb / w, r}'
  done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

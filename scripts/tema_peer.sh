#!/usr/bin/env bash
# tema as a peer for ../shared/bench/run_peers.sh: prints "theme,answers_with_theme" CSV.
#
#   TOOL_NAME=tema TOOL_CMD="$PWD/scripts/tema_peer.sh" ../shared/bench/run_peers.sh
#   TEMA_LEXICON=/path/baseline_dict.yml TOOL_CMD=... run_peers.sh   # another lexicon
#
# Env: CORPUS (set by run_peers.sh; or the first argument), TEMA (binary, default
# target/release/tema beside this script), TEMA_LEXICON (default: the embedded lexicon),
# TEMA_THREADS (default: all cores).
#
# It runs `tema count CORPUS --text-column answer --format csv` and keeps two columns,
# found by their header names `theme` and `answers` (so a reordered or wider count CSV
# still converts), dropping rows whose theme is in parentheses ("(no theme)",
# "(total)"). Fails (non-zero exit) if tema fails or either column is missing, so a
# changed output layout cannot turn into silently wrong counts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tema=${TEMA:-$here/../target/release/tema}
corpus=${1:-${CORPUS:?set CORPUS or pass the corpus path}}
args=(count "$corpus" --text-column answer --format csv --quiet)
[ -n "${TEMA_LEXICON:-}" ] && args+=(--lexicon "$TEMA_LEXICON")
[ -n "${TEMA_THREADS:-}" ] && args+=(--threads "$TEMA_THREADS")
out=$("$tema" "${args[@]}")
printf '%s\n' "$out" | awk -F, '
  NR == 1 {
    for (i = 1; i <= NF; i++) { if ($i == "theme") t = i; if ($i == "answers") a = i }
    if (!t || !a) { print "tema_peer.sh: no theme/answers column in: " $0 > "/dev/stderr"; exit 3 }
    print "theme,answers_with_theme"; next
  }
  $t !~ /^\(/ { print $t "," $a }'

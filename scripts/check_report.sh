#!/usr/bin/env bash
# Renders the example report in headless Chromium and checks its DOM.
#
#   scripts/check_report.sh [SCREENSHOT]
#
# Builds tema (debug), writes a report for examples/svar.csv with --by rolle, renders
# report.html headless (installing Debian's chromium if missing), saves a screenshot
# (default docs/report-screenshot.png) and checks the rendered DOM: headings, one SVG
# bar per theme, <mark> highlights, the crosstab, the footer, no script and no
# external resources. Exits non-zero on any failed check.
set -euo pipefail
cd "$(dirname "$0")/.."

shot=${1:-docs/report-screenshot.png}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "${KEEP:-}" ] && trap 'echo "kept $work"' EXIT

cargo build --quiet
SOURCE_DATE_EPOCH=1735689600 ./target/debug/tema --quiet report examples/svar.csv -o "$work/out" --by rolle

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "chromium not found; installing Debian's chromium" >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
  browser=$(command -v chromium)
fi

flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --hide-scrollbars
       --user-data-dir="$work/profile" --disable-background-networking)
url="file://$work/out/report.html"
"$browser" "${flags[@]}" --dump-dom "$url" >"$work/dom.html" 2>"$work/chromium.log"
"$browser" "${flags[@]}" --screenshot="$work/shot.png" --window-size=1200,2400 "$url" 2>>"$work/chromium.log"
mkdir -p "$(dirname "$shot")"
cp "$work/shot.png" "$shot"

failed=0
expect() { # expect DESCRIPTION COUNT_WANTED PATTERN  (COUNT_WANTED: a number, or +N for at least N)
  local got
  got=$( (grep -o -- "$3" "$work/dom.html" || true) | wc -l)
  case $2 in
    +*) [ "$got" -ge "${2#+}" ] ;;
    *) [ "$got" -eq "$2" ] ;;
  esac || { echo "FAIL: $1: found $got of '$3', wanted $2" >&2; failed=1; return; }
  echo "ok: $1 ($got)"
}
expect "title heading" 1 '<h1>Temarapport</h1>'
expect "question heading" 1 '<h2>Spørsmål: svar</h2>'
expect "bar chart" 1 '<svg class="bars"'
# one bar per theme plus one for "no theme" (18 themes in the default lexicon)
expect "theme bars" 18 '<rect class="bar" x="300"[^>]*height="18"[/]*>'
expect "no-theme bar" 1 '<rect class="bar none"'
expect "highlights" +10 '<mark>'
expect "crosstab heading" 1 '<h3>Krysstabell etter rolle</h3>'
expect "crosstab table" 1 '<table class="crosstab heat">'
expect "grouped bar chart" 1 '<svg class="grouped"'
expect "uncoded list" 1 '<ol class="uncoded">'
expect "footer" 1 'laget med tema [0-9.]* · dato 2025-01-01'
expect "no scripts" 0 '<script'
expect "no external sources" 0 'src="http'
expect "no external links" 0 'href="http'
[ -s "$shot" ] && echo "ok: screenshot $shot ($(stat -c %s "$shot") bytes)" || { echo "FAIL: no screenshot" >&2; failed=1; }
exit $failed

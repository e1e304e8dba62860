#!/usr/bin/env bash
# twelve on every real repository we have: each folder of ../shared/corpus and of
# ../shared/corpus-apps, copied to a temporary git work tree (twelve checks git state), checked
# with every report format from one run and scored as HTML. Fails on exit code 2 or more, or on
# a panic message, naming the folder; prints how long each took. The facts cache must not
# change a byte of the report: each folder is also checked without it and with it warm.
# usage: .ci/corpora.sh TWELVE_BINARY [SHARED_DIR]
set -uo pipefail
tw=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shared=${2:-$(dirname "$0")/../../shared}
[ -x "$tw" ] || { echo "not an executable: $tw" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
failed=0
checked=0
for dir in "$shared"/corpus/*/ "$shared"/corpus-apps/*+*/; do
  [ -d "$dir" ] || continue
  name=$(basename "$(dirname "$dir")")/$(basename "$dir")
  tree=$work/tree
  rm -rf "$tree" && cp -R "$dir" "$tree" && chmod -R u+w "$tree"
  (cd "$tree" && git init -q && git add -A -f > /dev/null 2>&1 \
    && git -c user.email=ci@example.invalid -c user.name=ci -c commit.gpgsign=false \
         commit -q --no-verify -m snapshot > /dev/null 2>&1)
  out=$work/out && rm -rf "$out" && mkdir -p "$out"
  start=$(date +%s%N)
  export TWELVE_CACHE_DIR=$work/cache
  rm -rf "$work/cache"
  (cd "$tree" && timeout 300 "$tw" check . --format human \
      --format sarif -o "$out/r.sarif" --format json -o "$out/r.json" \
      --format junit -o "$out/r.xml" --format gitlab -o "$out/r.gitlab.json" \
      --format github -o "$out/r.github" --format concise -o "$out/r.txt" \
      > "$out/human.txt" 2> "$out/err.txt")
  c1=$?
  (cd "$tree" && timeout 300 "$tw" score . --format html -o "$out/score.html" 2>> "$out/err.txt")
  c2=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  checked=$((checked + 1))
  (cd "$tree" && timeout 300 "$tw" check . --format json --no-cache > "$out/nocache.json" 2>> "$out/err.txt"
   timeout 300 "$tw" check . --format json > "$out/warm.json" 2>> "$out/err.txt")
  if ! cmp -s "$out/nocache.json" "$out/warm.json" || ! cmp -s "$out/r.json" "$out/warm.json"; then
    echo "FAIL $name: the report differs with the facts cache (cold, warm) and without it"
    diff "$out/nocache.json" "$out/warm.json" | head -20
    failed=$((failed + 1))
  elif [ "$c1" -ge 2 ] || [ "$c2" -ge 2 ] || grep -q 'panicked' "$out/err.txt"; then
    echo "FAIL $name: check exited $c1, score exited $c2"
    grep -m3 -E 'panicked|error' "$out/err.txt" | cut -c1-300
    failed=$((failed + 1))
  else
    printf '  ok %-60s check %s, score %s, %6d ms, %s findings\n' "$name" "$c1" "$c2" "$ms" \
      "$(grep -c . "$out/r.txt")"
  fi
done
echo "corpora: $checked folders checked, $failed failed"
[ "$checked" -gt 0 ] || { echo "no corpus folder found under $shared"; exit 1; }
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Run every harness (or the ones named) for SECONDS each (default 600), JOBS at a time
# (default 2), each from its seeded corpus; a crash, a timeout (an input slower than 10 s)
# or an out-of-memory input is saved under fuzz/artifacts/<target>/ and named in the log.
# usage: SECONDS_EACH=600 JOBS=2 fuzz/run.sh [TARGET...]
set -uo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
each=${SECONDS_EACH:-600}
jobs=${JOBS:-2}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(yaml compose k8s dockerfile dotenv shell suppression config project)
[ -d corpus ] || ./seed.sh
cargo fuzz build || exit 2
mkdir -p logs
status=0
run_one() {
  local t=$1
  mkdir -p "corpus/$t" "artifacts/$t"
  cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$each" -max_len=16384 -timeout=10 \
    -rss_limit_mb=4096 -print_final_stats=1 > "logs/$t.log" 2>&1
  local c=$?
  if [ $c -eq 0 ]; then
    echo "ok   $t: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$') runs in ${each}s"
  else
    echo "FAIL $t (exit $c): $(grep -m1 -E 'panicked|ERROR|Timeout|out-of-memory' "logs/$t.log")"
    ls "artifacts/$t"
  fi
  return $c
}
running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || status=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || status=1
  running=$((running - 1))
done
exit $status

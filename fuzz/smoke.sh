#!/usr/bin/env bash
# CI's fuzz smoke run: build every harness as `cargo fuzz build` (cargo-fuzz 0.13) does, with
# AddressSanitizer and libFuzzer's coverage instrumentation, but with cargo alone, so that CI
# needs no `cargo install cargo-fuzz` (two minutes on two cores); then run each harness from
# its seeded corpus plus RUNS mutations of it (default 2,000; for `project`, which models a
# whole repository per input and whose 2,500 seeds alone take two and a half minutes here,
# every fourth seed and a quarter of the mutations) with a fixed seed. The harnesses are built at opt-level 1 (OPT_LEVEL overrides): a third of
# the build time of cargo-fuzz's opt-level 3 on two cores, for a smoke run of a few thousand
# inputs; a long campaign (fuzz/run.sh) uses cargo-fuzz itself. A crash, a timeout (an input
# slower than 10 s) or an out-of-memory input fails the run and is saved under
# fuzz/artifacts/<target>/.
# usage: fuzz/smoke.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-2000}
triple=$(rustc -vV | sed -n 's/^host: //p')
# cargo-fuzz's flags for a release build of the harnesses, but 16 codegen units instead of 1:
# the instrumented crate builds in about half the time on two cores, and runs a little slower
flags=(
  -Cpasses=sancov-module
  -Cllvm-args=-sanitizer-coverage-level=4
  -Cllvm-args=-sanitizer-coverage-inline-8bit-counters
  -Cllvm-args=-sanitizer-coverage-pc-table
  -Cllvm-args=-sanitizer-coverage-trace-compares
  -Cllvm-args=-sanitizer-coverage-stack-depth
  -Cllvm-args=-simplifycfg-branch-fold-threshold=0
  --cfg fuzzing
  -Zsanitizer=address
  -Cdebug-assertions
  -Ccodegen-units=16
)
[ -d corpus ] || ./seed.sh
# `--target` keeps the flags off build scripts and proc macros; RUSTC_BOOTSTRAP unlocks `-Z` on
# the stable toolchain
RUSTC_BOOTSTRAP=1 RUSTFLAGS="${flags[*]}" CARGO_PROFILE_RELEASE_OPT_LEVEL=${OPT_LEVEL:-1} cargo build --locked --release --target "$triple" --bins
for t in yaml compose k8s dockerfile dotenv shell suppression config project; do
  n=$runs
  dir=corpus/$t
  mkdir -p "$dir" "artifacts/$t" logs
  if [ "$t" = project ]; then
    # a whole repository per input: a quarter of the mutations, and every fourth seed (by
    # name, so the same ones each run; each real file is also checked by CI's corpora step)
    n=$((runs / 4))
    dir=corpus/project-smoke
    rm -rf "$dir" && mkdir -p "$dir"
    find corpus/project -type f | sort | awk 'NR % 4 == 1' | xargs -r cp -t "$dir"
  fi
  # libFuzzer's -runs counts the seeds' executions too
  seeds=$(find "$dir" -type f | wc -l)
  if ! "target/$triple/release/$t" "$dir" -seed=1 -runs=$((seeds + n)) -max_len=16384 -timeout=10 \
    -rss_limit_mb=4096 -artifact_prefix="artifacts/$t/" > "logs/smoke-$t.log" 2>&1; then
    echo "fuzz harness $t failed:"
    grep -m5 -E 'panicked|ERROR|Timeout|SUMMARY|out-of-memory' "logs/smoke-$t.log"
    ls "artifacts/$t"
    exit 1
  fi
  echo "  ok $t ($seeds seeds, $n mutations)"
done

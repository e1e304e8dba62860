#!/usr/bin/env bash
# twelve's benchmark (see bench/bench.py): a generated monorepo at 1x and 10x (add 100 with
# --sizes 1,10,100), three real repositories, --jobs 1 against --jobs 2, a pre-commit run and
# real Dockerfiles given by name, each against the time it takes to walk and read the files.
# usage: bench/run.sh [--sizes 1,10,100] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
exec python3 bench/bench.py target/release/twelve "$@"

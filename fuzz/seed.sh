#!/usr/bin/env bash
# Seed each harness's corpus (fuzz/corpus/<target>/) from the real files of ../shared/corpus
# and ../shared/corpus-apps and this repository's fixtures. Idempotent; nothing is committed.
# usage: fuzz/seed.sh [SHARED_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${1:-$here/../../shared}
repo=$here/..
out=$here/corpus
mkdir -p "$out"/{yaml,compose,k8s,dockerfile,dotenv,shell,suppression,config,project}
n=0
seed() { # target file
  local dest="$out/$1/$(sha1sum "$2" | cut -c1-16)"
  head -c 65536 "$2" > "$dest"
  n=$((n + 1))
}
# project: the first byte picks the file name (see fuzz_targets/project.rs NAMES)
project() { # index file
  local dest="$out/project/$(sha1sum "$2" | cut -c1-16)"
  { printf "\\$(printf '%03o' "$1")"; head -c 65536 "$2"; } > "$dest"
}
while IFS= read -r -d '' f; do
  name=$(basename "$f")
  case "$name" in
    *.yml|*.yaml)
      seed yaml "$f"; seed compose "$f"; seed k8s "$f"
      case "$name" in *compose*) project 1 "$f" ;; values*) project 15 "$f" ;; *) project 2 "$f" ;; esac ;;
    Dockerfile*|*.Dockerfile|Containerfile*) seed dockerfile "$f"; project 0 "$f" ;;
    .env*) seed dotenv "$f"; project 3 "$f" ;;
    Procfile*) seed dotenv "$f"; project 4 "$f" ;;
    requirements*.txt) project 5 "$f" ;;
    package.json) project 6 "$f" ;;
    pyproject.toml) project 7 "$f" ;;
    Cargo.toml) project 8 "$f" ;;
    go.mod) project 9 "$f" ;;
    *.py) project 10 "$f"; seed suppression "$f" ;;
    *.js|*.ts) project 11 "$f"; seed suppression "$f" ;;
    *.go) project 12 "$f" ;;
    *.rs) project 13 "$f" ;;
    *.sh|entrypoint*|docker-entrypoint*) seed shell "$f"; project 14 "$f" ;;
    twelve.toml|.twelve.toml) seed config "$f" ;;
  esac
done < <(find "$shared/corpus" "$shared/corpus-apps" "$repo/fixtures" -type f -size -256k -print0 2>/dev/null)
# suppression comments and a config in every shape twelve documents
printf '# twelve: ignore[TF0301, TF0702] reason\nENV A=b  # twelve: ignore[TF0303]\n// twelve: ignore-file[TF1101]\n' > "$out/suppression/doc"
# the starter config `twelve init` writes, its settings uncommented
awk '/^pub const STARTER_CONFIG/{f=1; next} /^"#;/{f=0} f' "$repo/src/app/info.rs" | sed 's/^# //' > "$out/config/starter"
if [ ! -s "$out/config/starter" ]; then echo "seed.sh: no STARTER_CONFIG in src/app/info.rs" >&2; exit 1; fi
echo "seeded $n files into $out"

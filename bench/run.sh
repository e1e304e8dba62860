#!/usr/bin/env bash
# Benchmark: twelve on the sample project, on every corpus folder, and on a generated
# 10,000-file monorepo, against the time it takes merely to walk and read the same files.
# Usage: bench/run.sh [RUNS]   (needs a release build; uses hyperfine when installed)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release --locked --quiet
bin=target/release/twelve
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# a monorepo of 500 services, 20 files each
python3 - "$work/mono" <<'PY'
import os, sys
root = sys.argv[1]
for i in range(500):
    d = os.path.join(root, "services", f"svc{i:03d}")
    os.makedirs(os.path.join(d, "app"), exist_ok=True)
    os.makedirs(os.path.join(d, "k8s"), exist_ok=True)
    w = lambda p, t: open(os.path.join(d, p), "w").write(t)
    w("Dockerfile", f"FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nEXPOSE {8000 + i}\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:{8000 + i}\", \"app.main:app\"]\n")
    w("requirements.txt", "flask==3.0.3\ngunicorn==22.0.0\nrequests==2.32.3\n")
    w("compose.yaml", f"services:\n  svc{i}:\n    build: .\n    ports: [\"{8000 + i}:{8000 + i}\"]\n    environment:\n      DATABASE_URL: ${{DATABASE_URL}}\n")
    w("k8s/deployment.yaml", f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc{i}\nspec:\n  replicas: 2\n  template:\n    metadata:\n      labels: {{app: svc{i}}}\n    spec:\n      containers:\n        - name: svc{i}\n          image: registry.example.com/svc{i:03d}:1.0\n          ports:\n            - containerPort: {8000 + i}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc{i}\nspec:\n  selector: {{app: svc{i}}}\n  ports:\n    - port: 80\n      targetPort: {8000 + i}\n")
    for j in range(15):
        w(f"app/mod{j}.py", "import os\nimport logging\nimport requests\n\nlog = logging.getLogger(__name__)\n\n\ndef handler(event):\n    url = os.environ.get('UPSTREAM', 'http://localhost:9000')\n    return requests.get(url, timeout=5).json()\n" * 4)
    w("app/main.py", "import os\nfrom flask import Flask\napp = Flask(__name__)\n")
PY
files=$(find "$work/mono" -type f | wc -l)
echo "generated monorepo: $files files, $(du -sh "$work/mono" | cut -f1)"

if command -v hyperfine >/dev/null; then
  hyperfine --warmup 2 --runs "$runs" -N \
    "$bin check fixtures/projects/django-shop --format json --fail-on never" \
    "$bin check $work/mono --format json --fail-on never" \
    "sh -c 'find $work/mono -type f -print0 | xargs -0 cat > /dev/null'"
else
  t() { local s e; s=$(date +%s%N); for _ in $(seq "$runs"); do "$@" > /dev/null 2>&1 || true; done; e=$(date +%s%N); echo $(( (e - s) / runs / 1000000 )); }
  echo "sample project:        $(t "$bin" check fixtures/projects/django-shop --format json) ms"
  mono=$(t "$bin" check "$work/mono" --format json)
  base=$(t sh -c "find $work/mono -type f -print0 | xargs -0 cat")
  echo "monorepo, twelve:      $mono ms"
  echo "monorepo, walk + read: $base ms"
  if [ -d ../shared/corpus ]; then
    for d in ../shared/corpus/*/; do echo "corpus $(basename "$d"): $(t "$bin" check "$d" --format json) ms"; done
  fi
fi

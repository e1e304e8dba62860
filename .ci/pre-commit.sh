#!/usr/bin/env bash
# The real pre-commit runs this repository's `twelve` hook (.pre-commit-hooks.yaml) on a sample
# git repository: a staged Dockerfile with a hard-coded secret must be blocked, without the
# secret printed, and a clean change let through. usage: .ci/pre-commit.sh HOOK_REPO [HOOK_ID]
set -euo pipefail
hook_repo=$(cd "$1" && pwd)
hook=${2:-twelve}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"
cd "$work" && mkdir sample && cd sample
git init -q
git config user.email ci@example.com
git config user.name ci
printf 'flask==3.0.3\n' > requirements.txt
printf 'flask==3.0.3\n' > requirements.lock
printf '.git\n' > .dockerignore
cat > Dockerfile <<'DF'
FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
EXPOSE 8000
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
DF
git add -A && git commit -q -m "a clean start"
# a bad change: a secret baked into the image
sed -i 's/^ENV PYTHONUNBUFFERED=1$/ENV PYTHONUNBUFFERED=1\nENV SECRET_KEY=9f3b2c7d1e8a4f6b/' Dockerfile
git add Dockerfile
set +e
pre-commit try-repo "$hook_repo" "$hook" --verbose > ../bad.txt 2>&1
bad=$?
set -e
cat ../bad.txt
if [ "$bad" -eq 0 ] || ! grep -q "TF0303" ../bad.txt; then
  echo "pre-commit: the hook let a hard-coded secret through (exit $bad)"; exit 1
fi
if grep -q "9f3b2c7d1e8a4f6b" ../bad.txt; then echo "pre-commit: the secret was printed"; exit 1; fi
# a good change: the secret comes from the environment at run time
git checkout -q HEAD -- Dockerfile
printf 'LABEL org.opencontainers.image.title=sample\n' >> Dockerfile
git add Dockerfile
pre-commit try-repo "$hook_repo" "$hook" --verbose
echo "pre-commit: blocked the bad change, let the good one through"

#!/usr/bin/env python3
"""A run on files given by name (a pre-commit hook's) reads only the code of the projects
holding them; it must report exactly what a run over the whole repository reports on them.

usage: focus_check.py TWELVE ROOT... ; each ROOT is copied into a git work tree, and for
each Dockerfile, dependency manifest and (some) source files in it, `twelve check FILE
--format json` is compared with the same run made to read everything (`--min-score 0`, a gate,
turns focusing off). Exit 1 on any difference."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

CODE = (".py", ".js", ".ts", ".go", ".rs", ".rb", ".java", ".cs", ".php")
LIMIT = int(os.environ.get("FOCUS_LIMIT", "40"))
MANIFESTS = ("requirements.txt", "package.json", "go.mod", "Cargo.toml", "pyproject.toml",
             "Gemfile", "composer.json", "pom.xml", "build.gradle")


def findings(tw, tree, rel, extra):
    out = subprocess.run([tw, "check", rel, "--format", "json", "--preview", *extra], cwd=tree,
                         capture_output=True, text=True, timeout=300)
    if out.returncode > 1:
        raise SystemExit(f"twelve exited {out.returncode} on {rel}: {out.stderr[:300]}")
    d = json.loads(out.stdout)
    return d["findings"], d["suppressed"], d["notices"]


def main():
    tw = os.path.abspath(sys.argv[1])
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    bad = 0
    compared = 0
    for root in sys.argv[2:]:
        with tempfile.TemporaryDirectory() as work:
            tree = os.path.join(work, "t")
            shutil.copytree(root, tree, symlinks=True)
            subprocess.run("git init -q && git add -A -f && git -c user.email=ci@example.invalid "
                           "-c user.name=ci commit -q --no-verify -m s", shell=True, cwd=tree,
                           env=env, capture_output=True)
            picks = []
            for dirpath, dirs, files in os.walk(tree):
                dirs[:] = sorted(d for d in dirs if d != ".git")
                code = 0
                for f in sorted(files):
                    rel = os.path.relpath(os.path.join(dirpath, f), tree)
                    if f.startswith("Dockerfile") or f in MANIFESTS:
                        picks.append(rel)
                    elif f.endswith(CODE) and code < 2:
                        picks.append(rel)
                        code += 1
            for rel in picks[:LIMIT]:
                focused = findings(tw, tree, rel, [])
                whole = findings(tw, tree, rel, ["--min-score", "0"])
                compared += 1
                if focused != whole:
                    bad += 1
                    print(f"DIFF {root}: {rel}")
                    a = {json.dumps(x, sort_keys=True) for x in focused[0]}
                    b = {json.dumps(x, sort_keys=True) for x in whole[0]}
                    for x in sorted(b - a)[:3]:
                        print("  only reading everything:", x[:300])
                    for x in sorted(a - b)[:3]:
                        print("  only focused:", x[:300])
    print(f"focus: {compared} files compared, {bad} differ")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

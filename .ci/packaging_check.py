#!/usr/bin/env python3
"""What cannot run here (publishing, GitHub itself), checked statically: the release workflow,
the Action that downloads its archives, the pre-commit hooks and twelve's own Dockerfile agree
with each other and with the repository.

usage: packaging_check.py"""
import re
import sys

import yaml

problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


release = yaml.safe_load(open(".github/workflows/release.yml"))
action = yaml.safe_load(open("action.yml"))
hooks = yaml.safe_load(open(".pre-commit-hooks.yaml"))
dockerfile = open("Dockerfile").read()
cargo = open("Cargo.toml").read()

# release.yml builds the targets the Action downloads, under the names it downloads
targets = {m["target"] for m in release["jobs"]["binaries"]["strategy"]["matrix"]["include"]}
install = next(s for s in action["runs"]["steps"] if s.get("name") == "Install twelve")["run"]
wanted = set(re.findall(r"target=([a-z0-9_-]+)", install))
check(wanted == targets, f"action.yml downloads {sorted(wanted)}, release.yml builds {sorted(targets)}")
package = next(s for s in release["jobs"]["binaries"]["steps"] if s.get("name") == "Package")["run"]
check('name="twelve-${{ matrix.target }}"' in package, "release archives are not twelve-<target>")
check("twelve-$target.tar.gz" in install and "twelve-$target/twelve" in install,
      "action.yml does not read twelve-<target>.tar.gz/twelve-<target>/twelve")
check(".sha256" in package and ".sha256" in install, "checksums are not written and verified")
check("cargo install --locked --path" in install, "action.yml has no cargo fallback")
for job in release["jobs"].values():
    for step in job["steps"]:
        uses = step.get("uses", "")
        check(not uses or re.search(r"@v\d+$", uses), f"unpinned action: {uses}")
for step in action["runs"]["steps"]:
    uses = step.get("uses", "")
    check(not uses or re.search(r"@v\d+$", uses), f"unpinned action: {uses}")
    check("codeql-action/upload-sarif@v3" not in uses, "upload-sarif@v3 is retired")

# the hooks: unique ids, each runs `twelve check` on the staged files
ids = [h["id"] for h in hooks]
check(len(ids) == len(set(ids)), f"duplicate hook ids: {ids}")
for h in hooks:
    check(h["entry"].startswith("twelve check"), f"{h['id']}: entry {h['entry']}")
    check(h.get("pass_filenames") is True, f"{h['id']}: pass_filenames")
check(any(h["language"] == "docker" for h in hooks), "no Docker hook")

# the image: the Rust it builds with is the rust-version of Cargo.toml, non-root, the files
# the build needs are copied
msrv = re.search(r'^rust-version = "([0-9.]+)"', cargo, re.M).group(1)
check(f"FROM rust:{msrv}-" in dockerfile, f"Dockerfile does not build with Rust {msrv}")
check(re.search(r"^USER (?!root|0\b)\S+", dockerfile, re.M), "the image runs as root")
for needed in ["Cargo.toml", "Cargo.lock", "build.rs", "askama.toml", "src", "rules"]:
    check(re.search(rf"^COPY .*\b{re.escape(needed)}\b", dockerfile, re.M), f"Dockerfile does not copy {needed}")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("packaging: release workflow, Action, hooks and Dockerfile agree")

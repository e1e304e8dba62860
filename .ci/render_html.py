#!/usr/bin/env python3
"""Render twelve's HTML scorecard in headless Chromium and check what a user would see.

For each page given: a screenshot at a laptop and a phone width that must not be blank, and a
Chromium NetLog in which the page must not have attempted a single network request. A control
page that does load a remote image proves the NetLog check can fail.

usage: render_html.py OUT_DIR PAGE.html...
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from PIL import Image

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome:", "devtools:")


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("render_html: no Chromium found")


def render(page, png, netlog, width, height):
    profile = tempfile.mkdtemp(prefix="twelve-chromium-")
    try:
        subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
             f"--log-net-log={netlog}", "--net-log-capture-mode=Default",
             f"--window-size={width},{height}", f"--screenshot={png}",
             "file://" + os.path.abspath(page)],
            check=True, timeout=120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def page_requests(netlog):
    """URLs the page itself asked for (Chromium's own background requests have no origin)."""
    with open(netlog) as f:
        text = f.read()
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut short at exit lacks its closing brackets
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for e in log.get("events", []):
        if names.get(e.get("type")) != "URL_REQUEST_START_JOB":
            continue
        p = e.get("params", {})
        url = p.get("url", "")
        if not url or url.startswith(LOCAL_SCHEMES):  # an end event carries no URL
            continue
        if p.get("initiator") == "not an origin" and "file://" not in p.get("network_isolation_key", ""):
            continue  # Chromium's own (update checks, time), not the page's
        urls.append(url)
    return urls


def check_not_blank(png):
    img = Image.open(png).convert("RGB")
    w, h = img.size
    small = img.resize((max(1, w // 4), max(1, h // 4)))
    raw = small.tobytes()
    pixels = [raw[i:i + 3] for i in range(0, len(raw), 3)]
    background = max(set(pixels), key=pixels.count)
    share = sum(1 for p in pixels if p != background) / len(pixels)
    colours = len(set(pixels))
    if share < 0.05 or colours < 16:
        sys.exit(f"render_html: {png} looks blank ({share:.1%} non-background, {colours} colours)")
    return share, colours


def main():
    out, pages = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    # the control: a page that loads a remote image must be caught
    control = os.path.join(out, "control.html")
    with open(control, "w") as f:
        f.write('<!DOCTYPE html><title>control</title><p>control</p>'
                '<img src="http://twelve-control.invalid/x.png">')
    log = os.path.join(out, "control.netlog.json")
    render(control, os.path.join(out, "control.png"), log, 800, 600)
    if not any("twelve-control.invalid" in u for u in page_requests(log)):
        sys.exit("render_html: the NetLog check missed the control page's request")
    for page in pages:
        stem = os.path.join(out, os.path.splitext(os.path.basename(page))[0])
        for label, (w, h) in (("laptop", (1280, 2000)), ("phone", (390, 2400))):
            png, log = f"{stem}-{label}.png", f"{stem}-{label}.netlog.json"
            render(page, png, log, w, h)
            share, colours = check_not_blank(png)
            requests = page_requests(log)
            if requests:
                sys.exit(f"render_html: {page} attempted network requests: {requests}")
            print(f"{page} ({label} {w}x{h}): {share:.0%} drawn, {colours} colours, no network request")


if __name__ == "__main__":
    main()

"""Check a report in a real headless browser (Debian's ``chromium``), and take its screenshot.

The page itself has no script. The check opens a copy of it with one small script added that,
once everything has loaded, writes onto ``<body>`` which images failed to decode; Chromium's
``--dump-dom`` hands that back, and ``--enable-logging=stderr`` every console message.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--no-first-run", "--hide-scrollbars", "--enable-logging=stderr", "--v=0")
_PROBE = (
    "<script>window.addEventListener('load',()=>{const imgs=[...document.images];"
    "document.body.setAttribute('data-images',String(imgs.length));"
    "document.body.setAttribute('data-broken',JSON.stringify(imgs.filter(i=>!(i.complete&&i.naturalWidth>0))"
    ".map(i=>i.getAttribute('src'))));});</script>"
)
_CHECK_PAGE = ".browser-check.html"


@dataclass(frozen=True)
class BrowserCheck:
    images: int  # <img> elements on the page
    broken: list[str]  # their src when they did not load or decode
    console: list[str]  # console messages (errors, warnings, logs) the page produced


def find_browser() -> str | None:
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    return None


def _run(browser: str, args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="p2p-chromium-") as profile:
        return subprocess.run([browser, *_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout, check=False)


def _console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def check_page(index: Path, browser: str | None = None, timeout: float = 60) -> BrowserCheck:
    """Load ``index`` (a copy with the probe script, beside it) and report images and console."""
    browser = browser or find_browser()
    if browser is None:
        raise FileNotFoundError(f"no headless browser found (looked for {', '.join(BROWSERS)}): apt-get install chromium")
    probe = index.with_name(_CHECK_PAGE)
    probe.write_text(index.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    try:
        done = _run(browser, ["--virtual-time-budget=15000", "--dump-dom", probe.resolve().as_uri()], timeout)
    finally:
        probe.unlink(missing_ok=True)
    images = re.search(r'data-images="(\d+)"', done.stdout)
    broken = re.search(r'data-broken="([^"]*)"', done.stdout)
    if images is None or broken is None:
        raise RuntimeError(f"the browser did not finish loading {index}: {done.stderr[-2000:]}")
    return BrowserCheck(int(images.group(1)), json.loads(unescape(broken.group(1))), _console(done.stderr))


def screenshot(index: Path, png: Path, width: int = 1280, height: int = 4000, browser: str | None = None, timeout: float = 60) -> list[str]:
    """Save a screenshot of the page as it is (no probe); return its console messages."""
    browser = browser or find_browser()
    if browser is None:
        raise FileNotFoundError("no headless browser found: apt-get install chromium")
    done = _run(browser, ["--virtual-time-budget=15000", f"--screenshot={png.resolve()}", f"--window-size={width},{height}",
                          index.resolve().as_uri()], timeout)
    if not png.exists():
        raise RuntimeError(f"no screenshot written: {done.stderr[-2000:]}")
    return _console(done.stderr)

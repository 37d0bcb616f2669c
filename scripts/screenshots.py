"""Open pages of a running app in headless Chromium and save full-page screenshots (for looking at them).

Usage: python scripts/screenshots.py http://localhost:8501 out_dir overview data ...
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def settle(page: object, timeout_s: float = 60) -> None:
    """Wait until the app has finished running: a title is drawn and no script run is in progress for a while."""
    import time

    page.wait_for_selector("h1", timeout=timeout_s * 1000)
    deadline, quiet = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline and quiet < 10:
        running = page.locator("[data-testid^='stStatusWidgetRunning']").count() > 0
        quiet = 0 if running else quiet + 1
        page.wait_for_timeout(250)
    # Then until the browser has drawn every element (charts and tables load their code lazily).
    while time.monotonic() < deadline:
        pending = page.locator("[data-testid='stSkeleton'], [data-testid='stSkeletonElement']").count()
        charts = page.locator("[data-testid='stPlotlyChart']").count()
        drawn = page.locator("[data-testid='stPlotlyChart'] .main-svg").count()
        if pending == 0 and (charts == 0 or drawn >= charts):
            break
        page.wait_for_timeout(250)
    page.wait_for_timeout(500)


def main() -> None:
    base, out, *paths = sys.argv[1:]
    Path(out).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": int(os.environ.get("SHOT_HEIGHT", "1000"))})
        for path in paths:
            page.goto(f"{base}/{path}")
            page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=30000)
            page.wait_for_timeout(1500)
            page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
            page.wait_for_timeout(1500)
            name = path.split("?")[0].strip("/") or "home"
            page.screenshot(path=f"{out}/{name}.png", full_page=True)
            errors = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").count()
            print(f"{path}: {errors} error elements")
        browser.close()


if __name__ == "__main__":
    main()

"""Open pages of a running app in headless Chromium and save screenshots (for looking at them).

Usage: python scripts/screenshots.py http://localhost:8501 out_dir "" trends "compare?group=eu" ...
(SHOT_HEIGHT sets the viewport height; Streamlit scrolls inside the page, so a tall viewport shows more.)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from browser_helpers import CHROMIUM, CHROMIUM_ARGS, error_elements, settle


def main() -> None:
    base, out, *paths = sys.argv[1:]
    Path(out).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": int(os.environ.get("SHOT_HEIGHT", "1000"))})
        for path in paths:
            page.goto(f"{base}/{path}")
            settle(page)
            name = path.split("?")[0].strip("/") or "home"
            page.screenshot(path=f"{out}/{name}.png", full_page=True)
            print(f"{path}: {len(error_elements(page))} error elements")
        browser.close()


if __name__ == "__main__":
    main()

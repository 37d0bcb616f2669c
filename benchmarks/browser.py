"""The browser: first paint of the home page against a bare Streamlit page with one Plotly chart, and the app's
peak memory once every page was opened.

First paint runs from navigation until the first Plotly chart is drawn and the script has finished (the status
widget is gone). Both pages are served by a real ``streamlit run`` with the same settings and measured in turn in
the same Chromium (Debian's, through Playwright; never a downloaded browser), after one warm-up visit each.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import CHROMIUM, CHROMIUM_ARGS, process_memory_mb, streamlit_server, summary

BARE_PAGE = (
    "import plotly.graph_objects as go\nimport streamlit as st\n\nst.title('Bare page')\n"
    "st.plotly_chart(go.Figure(go.Scatter(x=[2020, 2022, 2024], y=[3, 2, 1])))\n"
)


CHARTS_DRAWN_JS = """
(expected) => {
  const charts = document.querySelectorAll("[data-testid='stPlotlyChart']");
  if (charts.length < expected) return false;
  if (document.querySelector("[data-testid^='stStatusWidgetRunning']")) return false;
  for (const chart of charts) { if (!chart.querySelector('.main-svg')) return false; }
  return true;
}
"""


def _time_to_charts(context: Any, url: str, expected: int) -> float:
    """From opening ``url`` in a new tab to ``expected`` Plotly charts drawn (0: to the page's title shown)."""
    page = context.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        if expected:
            page.wait_for_function(CHARTS_DRAWN_JS, arg=expected, polling="raf", timeout=120_000)
        else:
            page.wait_for_selector("h1", timeout=120_000)
        return (time.perf_counter() - t0) * 1000
    finally:
        page.close()


def _settle(page: Any, timeout_s: float = 120) -> None:
    """Wait until the app's run is over and every chart on the page is drawn."""
    page.wait_for_selector("h1", timeout=timeout_s * 1000)
    deadline, quiet = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline and quiet < 8:
        running = page.locator("[data-testid^='stStatusWidgetRunning']").count() > 0
        quiet = 0 if running else quiet + 1
        page.wait_for_timeout(250)
    with contextlib.suppress(Exception):  # a page without charts is done now; one with charts when they are drawn
        page.wait_for_function(CHARTS_DRAWN_JS, arg=0, polling=250, timeout=10_000)


def app_memory(store: Path, surveys: Path | None, pages: list[str], work: Path) -> dict[str, Any]:
    """Peak RSS of a real ``streamlit run`` after every page was opened in Chromium (one session per page)."""
    from playwright.sync_api import sync_playwright

    visited: dict[str, float] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with streamlit_server(store, surveys, work / "streamlit-memory.log") as (url, pid):
                context = browser.new_context()
                for page_file in pages:
                    slug = Path(page_file).stem
                    page = context.new_page()
                    t0 = time.perf_counter()
                    page.goto(f"{url}/{slug}", wait_until="commit")
                    _settle(page)
                    visited[slug] = (time.perf_counter() - t0) * 1000
                    page.close()
                current, peak = process_memory_mb(pid)
        finally:
            browser.close()
    return {"server_rss_mb": current, "server_peak_rss_mb": peak, "page_open_ms": visited}


def first_paint(store: Path, surveys: Path | None, samples: int, work: Path) -> dict[str, Any]:
    """Home page and bare page, ``samples`` visits each, alternating."""
    from playwright.sync_api import sync_playwright

    bare_script = work / "bare_page.py"
    bare_script.write_text(BARE_PAGE, encoding="utf-8")
    home: list[float] = []
    bare: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with (
                streamlit_server(store, surveys, work / "streamlit-home.log") as (home_url, _),
                streamlit_server(work, None, work / "streamlit-bare.log", script=bare_script) as (bare_url, _),
            ):
                home_context, bare_context = browser.new_context(), browser.new_context()
                _time_to_charts(home_context, home_url + "/", 1)  # warm-up of each server and context
                _time_to_charts(bare_context, bare_url + "/", 1)
                for _ in range(samples):
                    home.append(_time_to_charts(home_context, home_url + "/", 1))
                    bare.append(_time_to_charts(bare_context, bare_url + "/", 1))
        finally:
            browser.close()
    home_s, bare_s = summary(home), summary(bare)
    return {"home_ms": home_s, "bare_ms": bare_s, "ratio": home_s["median"] / bare_s["median"]}

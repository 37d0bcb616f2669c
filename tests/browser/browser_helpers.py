"""Driving the app in Debian's headless Chromium through Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("RANKINGS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_app(
    env: dict[str, str], port: int, log: Path, extra_args: list[str] | None = None
) -> subprocess.Popen[bytes]:
    """A real ``streamlit run dashboard.py`` on localhost; returns once it answers its health check."""
    cmd = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        *(extra_args or []),
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"streamlit did not start within 60 s; see {log}")


def wait_for_url(url: str, proc: subprocess.Popen[bytes], log: Path, timeout_s: float = 60) -> None:
    """Wait until ``url`` answers 200 (a helper server we started); fail with its log if it dies."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited early; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout_s} s; see {log}")


def settle(page: Any, timeout_s: float = 60) -> None:
    """Wait until the app has finished its run and the browser has drawn every element."""
    page.wait_for_selector("h1", timeout=timeout_s * 1000)
    deadline, quiet = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline and quiet < 10:
        running = page.locator("[data-testid^='stStatusWidgetRunning']").count() > 0
        quiet = 0 if running else quiet + 1
        page.wait_for_timeout(250)
    while time.monotonic() < deadline:
        pending = page.locator("[data-testid='stSkeleton'], [data-testid='stSkeletonElement']").count()
        charts = page.locator("[data-testid='stPlotlyChart']").count()
        drawn = page.locator("[data-testid='stPlotlyChart'] .main-svg").count()
        if pending == 0 and (charts == 0 or drawn >= charts):
            break
        page.wait_for_timeout(250)
    page.wait_for_timeout(300)


def error_elements(page: Any) -> list[str]:
    """Texts of exception boxes and error alerts on the page."""
    found = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']")
    return [found.nth(i).inner_text()[:300] for i in range(found.count())]

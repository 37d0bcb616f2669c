"""The Survey check page in a real browser (a real `streamlit run`, Debian's Chromium, no internet): the demo
submission is shown, a decision is recorded, a workbook is uploaded; a screenshot goes to test-artifacts/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from rankings import ingest
from rankings.demo import write_demo
from rankings.survey.template import template_bytes

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("RANKINGS_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "browser"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.skip("Debian's chromium is not installed (make test installs it where it can)")
    pytest.importorskip("playwright")
    tmp = tmp_path_factory.mktemp("survey-browser")
    write_demo(tmp / "raw")  # also writes the demo submission to tmp/surveys/demo
    ingest.ingest(tmp / "raw", tmp / "processed")
    port = _free_port()
    env = {**os.environ, "RANKINGS_PROCESSED": str(tmp / "processed"), "RANKINGS_SURVEYS": str(tmp / "surveys")}
    cmd = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
    cmd += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    log = tmp / "streamlit.log"
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"streamlit did not start; see {log}") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", tmp
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        context = browser.new_context(viewport={"width": 1400, "height": 2400})
        tab = context.new_page()
        tab.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
                else route.abort()
            ),
        )
        yield tab
        browser.close()


def settle(tab, timeout_s: float = 60) -> None:
    tab.wait_for_selector("h1", timeout=timeout_s * 1000)
    deadline, quiet = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline and quiet < 8:
        busy = tab.locator("[data-testid^='stStatusWidgetRunning'], [data-testid='stSkeleton']").count() > 0
        quiet = 0 if busy else quiet + 1
        tab.wait_for_timeout(250)


def errors(tab) -> list[str]:
    found = tab.locator("[data-testid='stException'], [data-testid='stAlertContentError']")
    return [found.nth(i).inner_text()[:300] for i in range(found.count())]


def test_the_survey_page_in_a_browser(server, page):
    base, tmp = server
    page.goto(f"{base}/survey")  # the first visitor of a deep link on a fresh server
    settle(page)
    assert page.locator("h1").first.inner_text().strip() == "Survey check"
    assert errors(page) == []
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Digital Government Survey (DEMO, fictitious answers), cycle 2026: Denmark" in body
    assert "Errors" in body and "Warnings" in body and "Verified" in body and "Deadline" in body
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "survey.png"))

    # a coordinator verifies the selected answer (S3, answered by Anna Jensen)
    page.get_by_label("Your name", exact=True).and_(page.locator("input")).fill("Sofie Holm")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Recorded: S3 verified.").wait_for(timeout=30000)
    settle(page)
    assert errors(page) == []

    # and uploads a workbook: it is checked, stored and shown
    template = tmp / "template.xlsx"
    template.write_bytes(template_bytes())
    page.get_by_text("Upload a draft, or download the template").click()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(template))
    page.get_by_text("template.xlsx").first.wait_for(timeout=30000)
    page.get_by_role("button", name="Check and store").click()
    page.get_by_text("Stored and checked").wait_for(timeout=30000)
    settle(page)
    assert errors(page) == []
    assert "Example survey" in page.locator("h3").first.inner_text()
    assert (tmp / "surveys" / "uploads").is_dir()
    page.screenshot(path=str(ARTIFACTS / "survey-uploaded.png"))

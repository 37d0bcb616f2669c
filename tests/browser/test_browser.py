"""The app in a real browser: a real `streamlit run`, Debian's Chromium, no internet.

Opens every page (the first visitor on a freshly started server through a deep link), checks that no error
appears and that every chart is drawn (the map included, with every request outside localhost blocked), follows
a shared link, and saves a screenshot of every page under test-artifacts/browser/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import ROOT, chromium_available, error_elements, free_port, settle, start_app

from rankings import ingest
from rankings.demo import write_demo

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts" / "browser"
PAGES = {  # url path -> the title the page must show
    "": "in the digital-government rankings",
    "trends": "Trends",
    "compare": "Compare",
    "profile": "Country profile",
    "data": "Data",
    "survey": "Survey check",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    if not chromium_available():
        pytest.skip("Debian's chromium is not installed (make test installs it where it can)")
    pytest.importorskip("playwright")
    tmp = tmp_path_factory.mktemp("browser")
    write_demo(tmp / "raw")
    ingest.ingest(tmp / "raw", tmp / "processed")
    port = free_port()
    env = {
        "RANKINGS_PROCESSED": str(tmp / "processed"),
        "RANKINGS_RAW": str(tmp / "raw"),
        "RANKINGS_SURVEYS": str(tmp / "surveys"),
    }
    proc = start_app(env, port, tmp / "streamlit.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser(server):
    from browser_helpers import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A page whose requests outside localhost are all refused, as on a machine without internet."""
    context = browser.new_context(viewport={"width": 1400, "height": 2400})
    tab = context.new_page()
    tab.blocked = []

    def only_local(route):
        url = route.request.url
        if re.match(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/", url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            tab.blocked.append(url)
            route.abort()

    tab.route("**/*", only_local)
    yield tab
    context.close()


def shoot(tab, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_first_visitor_of_a_deep_link_gets_the_framed_page(server, page):
    """On a fresh server the first request is a deep link: it must get the page inside the app's navigation,
    not Streamlit's legacy pages/ folder listing."""
    page.goto(f"{server}/compare?source=un_egov&group=nordic_baltic")
    settle(page)
    assert page.locator("h1").first.inner_text() == "Compare"
    links = page.locator("[data-testid='stSidebarNav'] a")
    titles = [links.nth(i).inner_text().split("\n")[-1].strip() for i in range(links.count())]
    # The legacy listing would show file names ("dashboard", "profile"); the app's navigation shows titles.
    assert {"Overview", "Trends", "Compare", "Country profile", "Data"} <= set(titles)
    assert "dashboard" not in titles and "profile" not in titles
    shoot(page, "first-visit-compare")


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_renders_without_errors(server, page, path):
    page.goto(f"{server}/{path}")
    settle(page)
    assert PAGES[path] in page.locator("h1").first.inner_text()
    assert error_elements(page) == []
    charts = page.locator("[data-testid='stPlotlyChart']").count()
    assert page.locator("[data-testid='stPlotlyChart'] .main-svg").count() >= charts
    assert "Demo" in page.locator("[data-testid='stAlertContentWarning']").first.inner_text()  # demo announced
    shoot(page, path or "overview")


def test_map_renders_offline(server, page):
    page.goto(f"{server}/compare?source=un_egov&group=eu&map=europe")
    settle(page)
    page.wait_for_selector("path.choroplethlocation", timeout=20000)
    assert page.locator("path.choroplethlocation").count() >= 27
    assert not [u for u in page.blocked if "topojson" in u or "cdn.plot.ly" in u]
    shoot(page, "compare-map")


def test_a_shared_link_reopens_the_same_view(server, browser, page):
    page.goto(f"{server}/trends?country=EST&countries=EST&countries=FIN&ind=egdi&measure=value")
    settle(page)
    assert page.locator("h1").first.inner_text() == "Trends"
    legend = page.locator("[data-testid='stPlotlyChart'] .legend").first.text_content()
    assert "Estonia" in legend and "Finland" in legend
    link = page.url
    assert "country=EST" in link and "measure=value" in link
    other = browser.new_context().new_page()
    other.goto(link)
    settle(other)
    assert other.get_by_role("combobox", name="Focus country").input_value() == "Estonia"
    assert "Estonia" in other.locator("[data-testid='stPlotlyChart'] .legend").first.text_content()
    shoot(other, "shared-link-trends")
    other.context.close()


def test_focus_country_follows_across_pages(server, page):
    page.goto(f"{server}/?country=FIN")
    settle(page)
    assert page.locator("h1").first.inner_text().startswith("Finland")
    page.get_by_role("link", name="Country profile").click()
    settle(page)
    assert page.locator("h1").first.inner_text() == "Country profile: Finland"
    assert "country=FIN" in page.url


def test_screenshots_were_saved():
    shots = list(Path(ARTIFACTS).glob("*.png")) if ARTIFACTS.exists() else []
    if not chromium_available():
        pytest.skip("no browser")
    assert len(shots) >= len(PAGES)

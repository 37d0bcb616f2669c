"""Sign-in end to end: a real local OpenID Connect provider (oidc-provider-mock), a real `streamlit run` with
an [auth] section, Debian's Chromium. For each role: sign in, see what the role permits, be refused the rest,
sign out."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
import yaml
from browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    chromium_available,
    free_port,
    settle,
    start_app,
    wait_for_url,
)

from rankings import ingest
from rankings.demo import write_demo

pytestmark = pytest.mark.browser

USERS = {
    "analyst": "ana@example.dk",
    "coordinator": "coco@example.dk",
    "admin": "root@example.dk",
}
NAV = {
    "analyst": {"Overview", "Trends", "Compare", "Country profile", "Data"},
    "coordinator": {"Overview", "Trends", "Compare", "Country profile", "Data", "Survey check"},
    "admin": {"Overview", "Trends", "Compare", "Country profile", "Data", "Survey check"},
}


@pytest.fixture(scope="module")
def app_with_sign_in(tmp_path_factory) -> Iterator[str]:
    if not chromium_available():
        pytest.skip("Debian's chromium is not installed (make test installs it where it can)")
    pytest.importorskip("oidc_provider_mock")
    tmp = tmp_path_factory.mktemp("signin")
    write_demo(tmp / "raw")
    ingest.ingest(tmp / "raw", tmp / "processed")

    idp_port, app_port = free_port(), free_port()
    claims = [json.dumps({"sub": email, "email": email, "name": role.title()}) for role, email in USERS.items()]
    idp_cmd = [sys.executable, "-m", "oidc_provider_mock", "--port", str(idp_port)]
    for c in claims:
        idp_cmd += ["--user-claims", c]
    idp_log = tmp / "idp.log"
    idp = subprocess.Popen(idp_cmd, stdout=idp_log.open("wb"), stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{idp_port}"
    wait_for_url(f"{issuer}/.well-known/openid-configuration", idp, idp_log)

    secrets = tmp / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-enough-length"\n'
        'client_id = "rankings-test"\n'
        'client_secret = "rankings-test-secret"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
    )
    access = tmp / "access.yaml"
    access.write_text(yaml.safe_dump({"default_role": None, "users": {e: r for r, e in USERS.items()}}))
    env = {
        "RANKINGS_PROCESSED": str(tmp / "processed"),
        "RANKINGS_RAW": str(tmp / "raw"),
        "RANKINGS_ACCESS": str(access),
        "RANKINGS_SURVEYS": str(tmp / "surveys"),
    }
    app = start_app(env, app_port, tmp / "streamlit.log", ["--secrets.files", str(secrets)])
    try:
        yield f"http://127.0.0.1:{app_port}"
    finally:
        app.terminate()
        idp.terminate()
        app.wait(timeout=20)
        idp.wait(timeout=20)


@pytest.fixture(scope="module")
def chromium(app_with_sign_in):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def nav_titles(page) -> set[str]:
    links = page.locator("[data-testid='stSidebarNav'] a")
    return {links.nth(i).inner_text().split("\n")[-1].strip() for i in range(links.count())}


@pytest.mark.parametrize("role", list(USERS))
def test_sign_in_see_permitted_refused_rest_sign_out(app_with_sign_in, chromium, role):
    base = app_with_sign_in
    context = chromium.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    # Signed out: a deep link shows the sign-in screen and no data.
    page.goto(f"{base}/trends")
    settle(page)
    assert page.locator("h1").first.inner_text() == "Sign in"
    assert page.locator("[data-testid='stPlotlyChart']").count() == 0
    # Sign in at the provider as the role's user.
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/oauth2/authorize" in url, timeout=30000)
    page.locator(f"button[name='sub'][value='{USERS[role]}']").click()
    page.wait_for_url(lambda url: url.startswith(base), timeout=30000)
    settle(page)
    assert "digital-government rankings" in page.locator("h1").first.inner_text()
    assert nav_titles(page) == NAV[role]
    assert USERS[role] in page.locator("[data-testid='stSidebar']").inner_text()
    # What the role permits.
    page.goto(f"{base}/compare")
    settle(page)
    assert page.locator("h1").first.inner_text() == "Compare"
    page.goto(f"{base}/survey")
    settle(page)
    if role == "analyst":
        assert page.locator("h1").first.inner_text() == "Not permitted"
        assert "coordinator role" in page.locator("[data-testid='stAlertContentError']").first.inner_text()
        assert page.locator("[data-testid='stDataFrame']").count() == 0
    else:
        assert page.locator("h1").first.inner_text() != "Not permitted"
    page.goto(f"{base}/data")
    settle(page)
    page.get_by_role("tab", name="Upload").click()
    page.wait_for_timeout(500)
    uploader = page.locator("[data-testid='stFileUploader']").count()
    assert (uploader > 0) == (role == "admin")
    page.screenshot(path=str(ROOT / "test-artifacts" / "browser" / f"signed-in-{role}.png"), full_page=True)
    # Sign out: Streamlit ends the session at the provider too (RP-initiated logout), which asks to confirm.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: "/oauth2/end_session" in url, timeout=30000)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(lambda url: url.startswith(base), timeout=30000)
    settle(page)
    assert page.locator("h1").first.inner_text() == "Sign in"
    page.goto(f"{base}/trends")
    settle(page)
    assert page.locator("h1").first.inner_text() == "Sign in"
    assert page.locator("[data-testid='stPlotlyChart']").count() == 0
    context.close()

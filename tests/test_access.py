"""Roles from the reviewed access configuration, and what each role sees in the app (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from rankings import access, ingest
from rankings.demo import write_demo

AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-secret",
        "client_id": "rankings",
        "client_secret": "secret",
        "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
    }
}


@pytest.fixture
def access_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "access.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "default_role": None,
                "users": {"Ana@Example.dk": "analyst", "coco@example.dk": "coordinator", "root@example.dk": "admin"},
                "groups": {"grp-coordinators": "coordinator"},
            }
        )
    )
    monkeypatch.setenv("RANKINGS_ACCESS", str(path))
    return path


def test_roles_include_the_ones_below():
    assert access.grant("analyst") == {"analyst"}
    assert access.grant("coordinator") == {"analyst", "coordinator"}
    assert access.grant("admin") == set(access.ROLES)
    with pytest.raises(access.AccessConfigError, match="unknown role 'owner'"):
        access.grant("owner")


def test_roles_from_email_and_groups(access_file):
    assert access.roles_for("ana@example.dk", []) == {"analyst"}  # e-mail compared in any case
    assert access.roles_for("someone@example.dk", ["grp-coordinators"]) == {"analyst", "coordinator"}
    assert access.roles_for("stranger@example.dk", ["other"]) == frozenset()
    user = access.from_claims({"sub": "x", "email": "root@example.dk", "name": "Root"})
    assert user.may("admin") and user.name == "Root" and not user.local


def test_a_broken_configuration_is_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "access.yaml"
    path.write_text("users:\n  a@b.dk: superuser\n")
    monkeypatch.setenv("RANKINGS_ACCESS", str(path))
    with pytest.raises(access.AccessConfigError, match=r"a@b.dk: unknown role 'superuser'"):
        access.roles_for("a@b.dk", [])


def test_the_shipped_configuration_is_valid():
    assert access.DEFAULT_ACCESS_FILE.exists()
    access._load(access.DEFAULT_ACCESS_FILE, 0.0)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("access")
    write_demo(tmp / "raw")
    ingest.ingest(tmp / "raw", tmp / "processed")
    return tmp / "processed"


def run(store: Path, monkeypatch, page: str, user: dict | None, *, auth: bool = True) -> AppTest:
    monkeypatch.setenv("RANKINGS_PROCESSED", str(store))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    if auth:
        at.secrets.update(AUTH)
    at.user = {"is_logged_in": False} if user is None else {"is_logged_in": True, **user}
    at.run()
    at.switch_page(page)
    at.run()
    return at


def shows_data(at: AppTest) -> bool:
    return bool(at.get("plotly_chart") or at.dataframe or at.metric)


def test_without_sign_in_nothing_is_shown(store, access_file, monkeypatch):
    at = run(store, monkeypatch, "pages/trends.py", None)
    assert not at.exception
    assert at.title[0].value == "Sign in"
    assert at.button(key="sign-in").label == "Sign in"
    assert not shows_data(at)
    assert [s.key for s in at.sidebar.selectbox] == ["lang"]  # the language only, not even the list of countries


def test_an_analyst_sees_the_dashboards_but_not_the_survey_check(store, access_file, monkeypatch):
    analyst = {"email": "ana@example.dk", "name": "Ana"}
    at = run(store, monkeypatch, "pages/trends.py", analyst)
    assert not at.exception and at.title[0].value == "Trends" and shows_data(at)
    at = run(store, monkeypatch, "pages/survey.py", analyst)
    assert at.title[0].value == "Not permitted"
    assert "coordinator role" in at.error[0].value
    assert not shows_data(at)
    at = run(store, monkeypatch, "pages/data.py", analyst)
    assert any("needs the admin role" in i.value for i in at.info)
    assert not at.get("file_uploader")


def test_a_coordinator_sees_the_survey_check(store, access_file, monkeypatch):
    at = run(store, monkeypatch, "pages/survey.py", {"email": "someone@example.dk", "groups": ["grp-coordinators"]})
    assert not at.exception
    assert at.title[0].value != "Not permitted"


def test_an_admin_may_upload(store, access_file, monkeypatch):
    at = run(store, monkeypatch, "pages/data.py", {"email": "root@example.dk"})
    assert at.get("file_uploader")


def test_a_stranger_is_refused_everywhere(store, access_file, monkeypatch):
    at = run(store, monkeypatch, "pages/overview.py", {"email": "stranger@example.dk"})
    assert at.title[0].value == "Not permitted"
    assert not shows_data(at)


def test_local_mode_is_announced_and_has_every_role(store, monkeypatch):
    at = run(store, monkeypatch, "pages/data.py", None, auth=False)
    assert not at.exception
    assert any("Local single-user mode" in c.value for c in at.sidebar.caption)
    assert at.get("file_uploader")

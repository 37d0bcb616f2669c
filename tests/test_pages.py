"""Every page runs (Streamlit AppTest) on demo data and on the real files when present, and shows what it should."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import REALDATA, ROOT
from rankings import db, ingest
from rankings.demo import write_demo
from rankings.overview import ordinal

PAGES = ["pages/overview.py", "pages/data.py"]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("demo")
    write_demo(tmp / "raw")
    ingest.ingest(tmp / "raw", tmp / "processed")
    return tmp / "processed"


@pytest.fixture(scope="module")
def real_store(tmp_path_factory) -> Path:
    if not REALDATA.is_dir():
        pytest.skip(f"real published files not available ({REALDATA} is absent)")
    tmp = tmp_path_factory.mktemp("real")
    ingest.ingest(REALDATA, tmp / "processed")
    return tmp / "processed"


def app(store: Path, monkeypatch, page: str | None = None, **params: str) -> AppTest:
    monkeypatch.setenv("RANKINGS_PROCESSED", str(store))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_demo_data(demo_store, monkeypatch, page):
    at = app(demo_store, monkeypatch, page)
    assert not at.exception, at.exception
    assert any("Demo data" in w.value for w in at.warning)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_real_files(real_store, monkeypatch, page):
    at = app(real_store, monkeypatch, page)
    assert not at.exception, at.exception
    assert not any("Demo data" in w.value for w in at.warning)


def test_every_page_runs_on_an_empty_store(tmp_path, monkeypatch):
    for page in PAGES:
        at = app(tmp_path / "empty", monkeypatch, page)
        assert not at.exception
        assert any("No rankings are stored yet" in i.value for i in at.info), page


def test_overview_shows_the_published_rank_of_denmark(real_store, monkeypatch):
    at = app(real_store, monkeypatch)
    expected = db.query(
        "SELECT max(edition) AS e, arg_max(rank, edition) AS r FROM observations "
        "WHERE source = 'un_egov' AND indicator = 'egdi' AND iso3 = 'DNK'",
        processed=real_store,
    ).iloc[0]
    rank, edition = int(expected["r"]), int(expected["e"])
    rank_values = [m.value for m in at.metric if m.label == "Rank"]  # published ranks ("Rank (computed)" else)
    assert f"{ordinal(rank)} of 193" in rank_values
    headlines = " ".join(md.value for md in at.markdown)
    assert f"Denmark ranked {ordinal(rank)} of 193 in the UN E-Government Survey {edition}" in headlines


def test_focus_country_comes_from_the_url(demo_store, monkeypatch):
    at = app(demo_store, monkeypatch, country="EST")
    assert not at.exception
    assert at.title[0].value == "Estonia in the digital-government rankings"
    assert at.sidebar.selectbox[0].value == "EST"

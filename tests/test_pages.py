"""Every page runs (Streamlit AppTest) on demo data and on the real files when present, and shows what it should."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import REALDATA, ROOT
from rankings import db, ingest
from rankings.demo import write_demo
from rankings.overview import ordinal

PAGES = ["pages/overview.py", "pages/trends.py", "pages/compare.py", "pages/profile.py", "pages/data.py"]


def registered_pages() -> list[str]:
    """Every page file dashboard.py registers (the smoke tests must cover all of them)."""
    import re

    return re.findall(r'\("(pages/[a-z_]+\.py)"', (ROOT / "dashboard.py").read_text())


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


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
    headlines = " ".join(md.value for md in at.markdown).replace("\\", "")  # Markdown escapes
    assert f"Denmark ranked {ordinal(rank)} of 193 in the UN E-Government Survey {edition}" in headlines


def test_focus_country_comes_from_the_url(demo_store, monkeypatch):
    at = app(demo_store, monkeypatch, country="EST")
    assert not at.exception
    assert at.title[0].value == "Estonia in the digital-government rankings"
    assert at.sidebar.selectbox[0].value == "EST"


def test_every_registered_page_is_smoke_tested_and_every_page_file_registered():
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
    assert sorted(registered_pages()) == files
    assert set(PAGES) <= set(files)


def test_trend_chart_holds_the_selected_countries(demo_store, monkeypatch):
    at = app(demo_store, monkeypatch, "pages/trends.py", countries=["DNK", "EST", "FIN"], ind=["egdi"])
    assert not at.exception
    names = [t["name"] for t in figures(at)[0]["data"]]
    assert names == ["Denmark", "Estonia", "Finland"]


def test_trend_rank_axis_runs_best_at_the_top(demo_store, monkeypatch):
    at = app(demo_store, monkeypatch, "pages/trends.py", countries=["DNK"], ind=["egdi"], measure="rank")
    layout = figures(at)[0]["layout"]
    low, high = layout["yaxis"]["range"]
    assert low > high  # reversed: rank 1 at the top
    assert "1 = best" in layout["yaxis"]["title"]["text"]


def test_url_parameters_restore_a_compare_view(demo_store, monkeypatch):
    at = app(demo_store, monkeypatch, "pages/compare.py", source="un_egov", edition="2022", group="nordic_baltic")
    assert not at.exception
    assert at.selectbox(key="source").value == "un_egov"
    assert at.selectbox(key="edition").value == "2022"
    assert at.selectbox(key="group").value == "nordic_baltic"
    bars = figures(at)[0]["data"][0]
    assert sorted(bars["y"]) == sorted(
        ["Denmark", "Estonia", "Finland", "Iceland", "Latvia", "Lithuania", "Norway", "Sweden"]
    )
    # The focus country is drawn in the focus colour, every other bar not.
    colours = dict(zip(bars["y"], bars["marker"]["color"], strict=True))
    from rankings.charts import FOCUS

    assert colours["Denmark"] == FOCUS and list(colours.values()).count(FOCUS) == 1


def test_compare_map_uses_the_apps_own_outlines(demo_store, monkeypatch):
    at = app(demo_store, monkeypatch, "pages/compare.py", source="un_egov", group="eu")
    charts = at.get("plotly_chart")
    maps = [c for c in charts if any(t.get("type") == "choropleth" for t in json.loads(c.proto.spec)["data"])]
    assert maps, "no map drawn"
    assert json.loads(maps[0].proto.config)["topojsonURL"] == "/app/static/topojson/"
    assert (ROOT / "static" / "topojson" / "europe_50m.json").exists()


def test_eu_membership_follows_the_edition(demo_store, monkeypatch):
    """EU28 before February 2020, EU27 after: the United Kingdom is in the 2018 group, not in 2022's."""
    at18 = app(demo_store, monkeypatch, "pages/compare.py", source="un_egov", edition="2018", group="eu")
    at22 = app(demo_store, monkeypatch, "pages/compare.py", source="un_egov", edition="2022", group="eu")
    assert "United Kingdom" in figures(at18)[0]["data"][0]["y"]
    assert "United Kingdom" not in figures(at22)[0]["data"][0]["y"]
    assert len(figures(at18)[0]["data"][0]["y"]) == 28 and len(figures(at22)[0]["data"][0]["y"]) == 27

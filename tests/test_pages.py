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


LANGS = ["en", "da"]
DEMO_NOTICE = {"en": "Demo data", "da": "Demodata"}
EMPTY_NOTICE = {"en": "No rankings are stored yet", "da": "Der er endnu ingen målinger i databasen"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_demo_data(demo_store, monkeypatch, page, lang):
    at = app(demo_store, monkeypatch, page, lang=lang)
    assert not at.exception, at.exception
    assert any(DEMO_NOTICE[lang] in w.value for w in at.warning)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_real_files(real_store, monkeypatch, page, lang):
    at = app(real_store, monkeypatch, page, lang=lang)
    assert not at.exception, at.exception
    assert not any(DEMO_NOTICE[lang] in w.value for w in at.warning)


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_runs_on_an_empty_store(tmp_path, monkeypatch, lang):
    for page in PAGES:
        at = app(tmp_path / "empty", monkeypatch, page, lang=lang)
        assert not at.exception
        assert any(EMPTY_NOTICE[lang] in i.value for i in at.info), page


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


def test_overview_in_danish_shows_danish_names_numbers_and_sentences(real_store, monkeypatch):
    at = app(real_store, monkeypatch, lang="da")
    assert at.title[0].value == "Danmark i de internationale målinger af digital forvaltning"
    headlines = " ".join(md.value for md in at.markdown).replace("\\", "")
    assert "Danmark ligger på " in headlines and " plads ud af 193 i UN E-Government Survey " in headlines
    scores = [m.value for m in at.metric if m.label == "Score"]
    assert scores and all("," in v and "." not in v for v in scores if v != "–")


def test_the_language_comes_from_the_url_and_stays_across_pages(demo_store, monkeypatch):
    at = app(demo_store, monkeypatch, lang="da")
    assert at.selectbox(key="lang").value == "da"
    at.switch_page("pages/compare.py")
    at.run()
    assert at.title[0].value == "Sammenlign lande"
    assert at.query_params["lang"] == "da"


def test_the_configured_language_is_the_default(demo_store, monkeypatch):
    monkeypatch.setenv("RANKINGS_LANGUAGE", "da")
    at = app(demo_store, monkeypatch)
    assert at.selectbox(key="lang").value == "da"
    assert at.title[0].value.startswith("Danmark i ")


def test_focus_country_comes_from_the_url(demo_store, monkeypatch):
    at = app(demo_store, monkeypatch, country="EST")
    assert not at.exception
    assert at.title[0].value == "Estonia in the digital-government rankings"
    assert at.selectbox(key="country").value == "EST"


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


# --- Danish throughout ------------------------------------------------------------------------------------------
# Words that are English and not Danish: any of them in a Danish page means a text was left untranslated.
ENGLISH_WORDS = {
    "the", "and", "of", "with", "is", "are", "was", "were", "this", "that", "which", "from", "has", "have", "not",
    "rank", "ranked", "ranking", "rankings", "edition", "editions", "country", "countries", "choose", "show",
    "download", "behind", "leader", "average", "published", "value", "values", "indicator", "indicators",
    "period", "file", "files", "stored", "store", "none", "no", "than", "since", "unchanged", "computed", "sign",
    "check", "flags", "answer", "answers", "question", "survey", "deadline", "errors", "warnings",
}  # fmt: skip


def _publisher_texts() -> list[str]:
    """Texts that stay as their authors wrote them: publishers' titles and names, citations, licences, download
    instructions, indicator titles (the publishers' sub-index names)."""
    from rankings import metadata

    out: list[str] = []
    for s in metadata.sources().values():
        out += [s.title, s.short, s.publisher, s.licence, s.download, s.url]
        out += [s.cite(e) for e in (*s.editions, None)]
    for i in metadata.indicators().values():
        out += [i.title, i.short]
    return sorted({" ".join(x.split()) for x in out if x}, key=len, reverse=True)


def _rendered(at: AppTest) -> list[str]:
    """Every text the page shows: headings, paragraphs, notices, labels, metrics, and the charts' words."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in at.get(kind)]
    texts += [e.proto.body for e in at.get("text")]
    for kind in ("selectbox", "multiselect", "radio", "toggle", "text_input", "text_area", "button", "checkbox"):
        texts += [str(e.label) for e in at.get(kind)]
        texts += [str(e.help) for e in at.get(kind) if getattr(e, "help", None)]
    for m in at.metric:
        texts += [str(m.label), str(m.value)]
    texts += [e.proto.label for e in at.get("expandable")]
    texts += [e.proto.label for e in at.get("tab")]
    texts += [e.proto.label for e in at.get("download_button")]
    for fig in figures(at):
        layout = fig.get("layout", {})
        texts.append(str(layout.get("title", {}).get("text", "")))
        for axis in ("xaxis", "yaxis"):
            texts.append(str(layout.get(axis, {}).get("title", {}).get("text", "")))
        texts += [str(a.get("text", "")) for a in layout.get("annotations", [])]
    return [t for t in texts if t]


def english_left(texts: list[str], keep: list[str]) -> list[str]:
    """The texts that still hold English: an English catalogue sentence of three or more words, or one of
    :data:`ENGLISH_WORDS`, once the texts that stay in their authors' words (``keep``) are taken out."""
    import re

    from rankings import i18n

    fragments = set()
    for entry in i18n.catalogue().values():
        if entry["en"] == entry["da"]:
            continue
        for part in re.split(r"\{[^}]*\}|%\{[^}]*\}|<br>|\*\*|`[^`]*`", entry["en"]):
            part = part.strip(" .,:;()'\"–-")
            if len(part.split()) >= 3:
                fragments.add(part)
    found = []
    for text in texts:
        flat = " ".join(text.replace("\\", "").split())
        for k in keep:
            flat = flat.replace(k, " ")
        flat = re.sub(r"`[^`]*`", " ", flat)  # code is code
        hits = [f for f in fragments if f in flat]
        words = {w for w in re.findall(r"[A-Za-z]+", flat) if w.lower() in ENGLISH_WORDS}
        if hits or words:
            found.append(f"{flat[:160]!r}: {hits or sorted(words)}")
    return found


def test_the_english_check_finds_english(demo_store, monkeypatch):
    """The check itself: on the English pages it finds English."""
    at = app(demo_store, monkeypatch, "pages/compare.py", lang="en")
    assert english_left(_rendered(at), _publisher_texts())


@pytest.fixture(scope="module")
def demo_surveys(tmp_path_factory) -> Path:
    import datetime as dt

    from rankings.survey import demo

    folder = tmp_path_factory.mktemp("surveys")
    demo.write(folder / "demo", today=dt.date.today())
    return folder


@pytest.mark.parametrize("page", [*PAGES, "pages/survey.py"])
def test_every_page_in_danish_has_no_english_sentence(demo_store, demo_surveys, monkeypatch, page):
    monkeypatch.setenv("RANKINGS_SURVEYS", str(demo_surveys))
    at = app(demo_store, monkeypatch, page, lang="da")
    assert not at.exception, at.exception
    keep = [*_publisher_texts(), "Sprog · Language", "English"]
    if page == "pages/survey.py":
        # The workbook's own texts (survey name, questions, answers) and the checks' messages stay as written.
        from rankings.survey.store import SurveyStore

        store = SurveyStore(demo_store)
        for sid in store.submissions()["submission_id"]:
            sub = store.load(sid)
            keep += [sub.meta.survey, sub.file, *(q.question for q in sub.questions)]
            keep += [a.answer for a in sub.answers] + [f.message for f in store.flags(sid)]
        from rankings.survey.rules import RULES

        keep += list(RULES)  # rule ids are identifiers
        keep = sorted({" ".join(k.split()) for k in keep if k}, key=len, reverse=True)
    left = english_left(_rendered(at), keep)
    assert not left, "\n".join(left)


# --- Briefings (issue 14) ---------------------------------------------------------------------------------------
BRIEFING_BUTTONS = {
    "en": ["Download briefing (PDF)", "Download briefing (PowerPoint)"],
    "da": ["Hent briefing (PDF)", "Hent briefing (PowerPoint)"],
}


def _briefing_buttons(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button") if "briefing" in b.proto.label]


@pytest.mark.parametrize("lang", LANGS)
def test_profile_sets_the_counterpart_from_the_url_beside_the_focus(demo_store, monkeypatch, lang):
    at = app(demo_store, monkeypatch, "pages/profile.py", lang=lang, vs="EST")
    assert not at.exception, at.exception
    assert at.selectbox(key="vs").value == "EST"
    pair = {"en": "Denmark and Estonia, latest editions", "da": "Danmark og Estland, seneste udgaver"}[lang]
    assert pair in [s.value for s in at.subheader]
    assert _briefing_buttons(at) == BRIEFING_BUTTONS[lang]
    if lang == "da":
        assert not english_left(_rendered(at), [*_publisher_texts(), "Sprog · Language", "English"])


def test_profile_without_a_counterpart_offers_no_briefing(demo_store, monkeypatch):
    at = app(demo_store, monkeypatch, "pages/profile.py")
    assert not at.exception
    assert at.selectbox(key="vs").value == ""
    assert _briefing_buttons(at) == []


@pytest.mark.parametrize("lang", LANGS)
def test_compare_offers_the_briefing_for_a_country_shown(demo_store, monkeypatch, lang):
    at = app(demo_store, monkeypatch, "pages/compare.py", lang=lang, group="nordic_baltic", vs="EST")
    assert not at.exception, at.exception
    assert at.selectbox(key="vs").value == "EST"
    assert _briefing_buttons(at) == BRIEFING_BUTTONS[lang]


# --- The whole store's download (issue 13: 100x memory) ----------------------------------------------------------
def _store_excel_button(at: AppTest):
    return next(b.proto for b in at.get("download_button") if "xlsx-all" in b.proto.id)


@pytest.mark.parametrize("lang", LANGS)
def test_data_page_reads_the_whole_store_only_on_the_click(demo_store, monkeypatch, lang):
    from rankings import export, queries

    calls = []
    real = queries.observations
    monkeypatch.setattr(queries, "observations", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = app(demo_store, monkeypatch, "pages/data.py", lang=lang)
    assert not at.exception, at.exception
    assert calls == []  # offered, not read: the table is queried when a button is clicked
    assert not _store_excel_button(at).disabled

    n = queries.observation_count(demo_store)
    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", n - 1)
    at = app(demo_store, monkeypatch, "pages/data.py", lang=lang)
    button = _store_excel_button(at)
    assert button.disabled
    words = {"en": "more than an Excel sheet holds", "da": "flere end et Excel-ark kan rumme"}[lang]
    assert words in button.help
    grouped = f"{n:,}".replace(",", "." if lang == "da" else ",")
    assert grouped in button.help


# --- The groups the division works in (issue 14, 3) --------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_mr_digital_says_how_many_members_were_assessed(demo_store, monkeypatch, lang):
    at = app(
        demo_store, monkeypatch, "pages/compare.py", source="un_egov", edition="2022", group="mr_digital", lang=lang
    )
    assert not at.exception, at.exception
    assert len(figures(at)[0]["data"][0]["y"]) == 8  # the eight states; the autonomous areas are not assessed
    caption = {
        "en": "8 of 11 assessed in 2022; no published value for Åland Islands, Faroe Islands, and Greenland.",
        "da": "8 af 11 vurderet i 2022; ingen offentliggjort værdi for Færøerne, Grønland og Åland.",
    }[lang]
    assert caption in [c.value for c in at.caption]


def test_digital_nations_as_of_the_edition(demo_store, monkeypatch):
    at18 = app(demo_store, monkeypatch, "pages/compare.py", source="un_egov", edition="2018", group="digital_nations")
    at22 = app(demo_store, monkeypatch, "pages/compare.py", source="un_egov", edition="2022", group="digital_nations")
    in18, in22 = set(figures(at18)[0]["data"][0]["y"]), set(figures(at22)[0]["data"][0]["y"])
    assert "Denmark" not in in18 and "Denmark" in in22  # Denmark joined in 2019
    assert {"Estonia", "Uruguay", "Portugal"} <= in18


# --- Revisions (issue 15): a figure revised after it was first stored is marked wherever it is shown ---------------
def shown_text(at: AppTest) -> str:
    return " ".join(
        [c.value for c in at.caption] + [m.value for m in at.metric] + [str(df.value.to_dict()) for df in at.dataframe]
    )


@pytest.fixture(scope="module")
def revised_store(tmp_path_factory) -> Path:
    from conftest import UN_HEADER

    tmp = tmp_path_factory.mktemp("revised")
    raw = tmp / "raw"
    raw.mkdir()
    rows = (
        '2024,"Denmark ",1,{egdi},1.00000,0.99800,0.95760,0.99850\n'
        '2024,"Estonia ",2,0.97270,0.98630,1.00000,0.92900,0.98910\n'
    )
    for egdi in ("0.98470", "0.98510"):
        (raw / "EGOV_DATA_2024.csv").write_text(UN_HEADER + "\n" + rows.format(egdi=egdi))
        report = ingest.ingest(raw, tmp / "processed")
    assert report.revisions
    return tmp / "processed"


@pytest.mark.parametrize(("lang", "now", "was"), [("en", "0.98510", "0.98470"), ("da", "0,98510", "0,98470")])
def test_a_revised_figure_is_marked_with_its_previous_value_on_every_page(revised_store, monkeypatch, lang, now, was):
    monkeypatch.setenv("RANKINGS_LANGUAGE", lang)
    for page in (None, "pages/profile.py", "pages/compare.py", "pages/trends.py"):
        at = app(revised_store, monkeypatch, page, country="DNK")
        assert not at.exception, (page, at.exception)
        text = shown_text(at)
        assert now in text and "✎" in text, page
        assert was in text and ("previously" if lang == "en" else "tidligere") in text, page
    at = app(revised_store, monkeypatch, "pages/data.py")
    assert not at.exception
    log = next(df.value for df in at.dataframe if was in df.value.to_string())
    assert len(log) == 1 and now in log.to_string()


def test_no_marker_where_nothing_was_revised(demo_store, monkeypatch):
    at = app(demo_store, monkeypatch, "pages/profile.py", country="DNK")
    assert "✎" not in shown_text(at)
    at = app(demo_store, monkeypatch, "pages/data.py")
    assert any("No publisher has revised a stored figure." in i.value for i in at.info)


@pytest.mark.parametrize("damage", ["revisions", "observations", "manifest"])
def test_a_store_damaged_on_disk_stops_every_page_with_one_message(revised_store, tmp_path, monkeypatch, damage):
    import shutil

    store = tmp_path / "damaged"
    shutil.copytree(revised_store, store)
    if damage == "manifest":
        (store / "manifest.json").write_text("{ not json")
    else:
        next((store / damage).rglob("*.parquet")).write_bytes(b"not parquet")
    for page in (None, "pages/profile.py", "pages/data.py"):
        at = app(store, monkeypatch, page, country="DNK")
        assert not at.exception, (damage, page, at.exception)
        shown = [e.value.replace("\\", "") for e in at.error]  # as written, without Markdown's escapes
        assert [m.startswith(f"The store in {store} cannot be read: ") for m in shown] == [True], (damage, page)

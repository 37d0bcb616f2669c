"""Golden: a corrected copy of a real UN file replaces the published one (the issue's done-when, on the newest UN
edition ``../shared/realdata`` holds, 2020: Denmark's EGDI and Finland's OSI changed in the copy)."""

from __future__ import annotations

import shutil

import pytest
from test_cli import run
from test_pages import app

from conftest import realdata_dir
from rankings import db, ingest, queries

REVISED = {  # the lines as published -> as corrected
    '2020,"Denmark ",1,0.97580,': '2020,"Denmark ",1,0.97620,',
    '2020,"Finland ",4,0.94520,0.95240,0.97060,': '2020,"Finland ",4,0.94520,0.95240,0.97080,',
}


@pytest.fixture(scope="module")
def revised(tmp_path_factory):
    published = realdata_dir("un-egov") / "EGOV_DATA_2020.csv"
    tmp = tmp_path_factory.mktemp("revised")
    raw, processed = tmp / "raw", tmp / "processed"
    raw.mkdir()
    copy = raw / "EGOV_DATA_2020.csv"
    shutil.copyfile(published, copy)
    first = ingest.ingest(raw, processed)
    assert [r.status for r in first.results] == ["stored"] and first.revisions == []
    text = copy.read_text(encoding="utf-8")
    for old, new in REVISED.items():
        assert text.count(old) == 1, old  # the published file reads as the test expects
        text = text.replace(old, new)
    copy.write_text(text, encoding="utf-8")
    report = ingest.ingest(raw, processed)
    db.reset()
    return report, processed


def test_the_ingest_names_the_revised_edition(revised):
    report, _ = revised
    assert [r.line() for r in report.revisions] == [
        "UN E-Government Survey 2020 revised: 2 figures changed, 0 added, 0 removed (python -m rankings revisions)"
    ]


def test_revisions_lists_both_changes_at_the_publishers_precision(revised):
    _, processed = revised
    done = run("revisions", "--processed", str(processed))
    assert done.returncode == 0
    assert done.stdout.splitlines()[1:] == ["  DNK egdi 0.97580 -> 0.97620", "  FIN osi 0.97060 -> 0.97080"]
    log = queries.revisions(processed=processed)
    dnk = log[log["iso3"] == "DNK"].iloc[0]
    assert (dnk["old_rank"], dnk["new_rank"], dnk["old_rank_official"]) == (1, 1, True)  # the UN's own rank
    fin = log[log["iso3"] == "FIN"].iloc[0]
    assert not fin["old_rank_official"]  # OSI ranks are computed: recorded, and said so


def test_the_store_holds_the_new_values_with_the_marker(revised):
    _, processed = revised
    rows = db.query(
        "SELECT iso3, indicator, value, was_value FROM headline WHERE was_value IS NOT NULL ORDER BY iso3",
        processed=processed,
    )
    assert list(rows.itertuples(index=False, name=None)) == [
        ("DNK", "egdi", 0.9762, 0.9758),
        ("FIN", "osi", 0.9708, 0.9706),
    ]
    # Denmark's computed OSI rank moved (Finland passed it) but its OSI value did not: no marker, no revision.
    assert (
        db.query("SELECT rank FROM headline WHERE iso3 = 'DNK' AND indicator = 'osi'", processed=processed)[
            "rank"
        ].iloc[0]
        == 4
    )


@pytest.mark.parametrize(("lang", "new", "old"), [("en", "0.97620", "0.97580"), ("da", "0,97620", "0,97580")])
def test_every_page_shows_the_new_value_with_the_revision_marked(revised, monkeypatch, lang, new, old):
    _, processed = revised
    monkeypatch.setenv("RANKINGS_LANGUAGE", lang)
    for page in ("pages/overview.py", "pages/profile.py", "pages/compare.py", "pages/trends.py"):
        at = app(processed, monkeypatch, page if page != "pages/overview.py" else None, country="DNK")
        assert not at.exception, (page, at.exception)
        shown = " ".join(
            [c.value for c in at.caption]
            + [m.value for m in at.metric]
            + [str(df.value.to_dict()) for df in at.dataframe]
        )
        assert new in shown, page
        assert "✎" in shown and old in shown, page  # the marker, with the old value
    at = app(processed, monkeypatch, "pages/data.py")
    log = next(df.value for df in at.dataframe if len(df.value) == 2 and new in df.value.to_string())
    assert old in log.to_string()

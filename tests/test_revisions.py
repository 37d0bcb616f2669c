"""The figure-by-figure comparison of a corrected file with the stored version, and how its records read."""

from __future__ import annotations

import pandas as pd
import pytest

from rankings import model, revisions
from rankings.revisions import Version

OLD = Version("un/EGOV_DATA_2022.csv", "a" * 64, "2026-11-01T10:00:00Z")
NEW = Version("un/EGOV_DATA_2022.csv", "b" * 64)
WHEN = "2026-12-07T09:30:00Z"


def obs(rows: list[tuple]) -> pd.DataFrame:
    """Observations from (iso3, indicator, value, rank, rank_official[, edition[, status]]) tuples."""
    out = []
    for row in rows:
        iso3, indicator, value, rank, official, *rest = row
        edition = rest[0] if rest else 2022
        status = rest[1] if len(rest) > 1 else ("published" if value is not None else "not_assessed")
        out.append(
            {
                "source": "un_egov",
                "edition": edition,
                "reference_period": str(edition),
                "iso3": iso3,
                "entity": {"DNK": "Denmark", "FIN": "Finland", "EST": "Estonia"}[iso3],
                "is_aggregate": False,
                "indicator": indicator,
                "value": value,
                "value_status": status,
                "decimals": 5,
                "rank": rank,
                "rank_official": official,
                "source_file": "x",
                "file_sha256": "x",
            }
        )
    return model.conform(pd.DataFrame(out))


BASE = [
    ("DNK", "egdi", 0.97170, 1, True),
    ("FIN", "egdi", 0.96180, 2, True),
    ("DNK", "osi", 0.98330, 2, False),
    ("FIN", "osi", 0.98330, 2, False),
    ("EST", "osi", 0.99000, 1, False),
]


def replace(rows, key, **changes):
    out = []
    for r in rows:
        if (r[0], r[1]) == key:
            iso3, ind, value, rank, official = r[:5]
            r = (iso3, ind, changes.get("value", value), changes.get("rank", rank), changes.get("official", official))
        out.append(r)
    return out


def test_identical_versions_revise_nothing():
    assert revisions.compare(obs(BASE), obs(BASE), OLD, NEW, WHEN).empty


def test_a_changed_value_is_one_record_with_both_values_ranks_files_and_time():
    new = replace(replace(BASE, ("DNK", "egdi"), value=0.97210), ("FIN", "osi"), value=0.98350, rank=2)
    log = revisions.compare(obs(BASE), obs(new), OLD, NEW, WHEN)
    assert list(log["iso3"]) == ["DNK", "FIN"] and list(log["indicator"]) == ["egdi", "osi"]
    dnk = log.iloc[0]
    assert (dnk["old_value"], dnk["new_value"], dnk["old_decimals"], dnk["new_decimals"]) == (0.9717, 0.9721, 5, 5)
    assert (dnk["old_rank"], dnk["new_rank"], dnk["old_rank_official"], dnk["new_rank_official"]) == (1, 1, True, True)
    assert (dnk["old_file"], dnk["old_sha256"], dnk["new_file"], dnk["new_sha256"]) == (
        OLD.file,
        OLD.sha256,
        NEW.file,
        NEW.sha256,
    )
    assert (dnk["old_stored_at"], dnk["revised_at"], dnk["change"]) == (OLD.stored_at, WHEN, "changed")
    assert list(log.columns) == revisions.COLUMNS


def test_a_computed_rank_that_moved_because_another_value_moved_is_not_a_revision():
    # Finland's OSI rises above Denmark's: Denmark's computed rank moves from 2 to 3, its value does not.
    new = replace(replace(BASE, ("FIN", "osi"), value=0.98350), ("DNK", "osi"), rank=3)
    log = revisions.compare(obs(BASE), obs(new), OLD, NEW, WHEN)
    assert list(zip(log["iso3"], log["indicator"], strict=True)) == [("FIN", "osi")]


def test_a_published_rank_that_moved_alone_is_a_revision():
    new = replace(BASE, ("FIN", "egdi"), rank=3)
    log = revisions.compare(obs(BASE), obs(new), OLD, NEW, WHEN)
    assert [(r.iso3, r.old_rank, r.new_rank) for r in log.itertuples()] == [("FIN", 2, 3)]
    assert revisions.describe(log.iloc[0]) == "FIN egdi 0.96180 -> 0.96180 (rank 2 -> 3)"


def test_added_removed_and_status_changes():
    new = [r for r in BASE if r[:2] != ("EST", "osi")] + [("EST", "egdi", 0.95000, 3, True)]
    new = replace(new, ("FIN", "egdi"), value=None, rank=None)
    log = revisions.compare(obs(BASE), obs(new), OLD, NEW, WHEN)
    got = {(r.iso3, r.indicator): r.change for r in log.itertuples()}
    assert got == {("EST", "osi"): "removed", ("EST", "egdi"): "added", ("FIN", "egdi"): "changed"}
    lines = {revisions.describe(r) for _, r in log.iterrows()}
    assert "EST osi 0.99000 -> – (rank 1 (computed) -> –) (removed)" in lines
    assert "FIN egdi 0.96180 -> not assessed (rank 2 -> –)" in lines
    counts = revisions.summarise(log)
    assert [(c.source, c.edition, c.changed, c.added, c.removed) for c in counts] == [("un_egov", 2022, 1, 1, 1)]


def test_an_edition_only_the_new_file_holds_is_new_not_revised():
    new = [*BASE, ("DNK", "egdi", 0.9, 1, True, 2024)]
    assert revisions.compare(obs(BASE), obs(new), OLD, NEW, WHEN).empty


def test_an_edition_the_new_file_dropped_is_reported_removed_unless_out_of_scope():
    old = [*BASE, ("DNK", "egdi", 0.9, 1, True, 2020)]
    log = revisions.compare(obs(old), obs(BASE), OLD, NEW, WHEN)
    assert [(r.edition, r.change) for r in log.itertuples()] == [(2020, "removed")]
    scoped = revisions.compare(obs(old), obs(BASE), OLD, NEW, WHEN, scope={("un_egov", 2022)})
    assert scoped.empty


def test_the_summary_line_names_the_source_edition_and_counts():
    line = revisions.EditionRevision("un_egov", 2022, 2, 0, 0, "f.csv").line()
    assert line == (
        "UN E-Government Survey 2022 revised: 2 figures changed, 0 added, 0 removed (python -m rankings revisions)"
    )
    assert "1 figure changed" in revisions.EditionRevision("un_egov", 2022, 1, 0, 0, "f.csv").line()


def test_arrow_round_trip_keeps_types():
    new = replace(BASE, ("DNK", "egdi"), value=0.97210)
    log = revisions.compare(obs(BASE), obs(new), OLD, NEW, WHEN)
    back = revisions.conform(revisions.to_arrow(log).to_pandas())
    pd.testing.assert_frame_equal(back, log.reset_index(drop=True))


@pytest.mark.parametrize(
    ("lang", "value", "change", "revised"),
    [("en", "0.97210", "changed", "Dec 7, 2026"), ("da", "0,97210", "ændret", "7. dec. 2026")],
)
def test_the_table_reads_in_the_language(lang, value, change, revised):
    new = replace(BASE, ("DNK", "egdi"), value=0.97210)
    table = revisions.table(revisions.compare(obs(BASE), obs(new), OLD, NEW, WHEN), lang)
    row = table.iloc[0].tolist()
    assert value in row and change in row and revised in row
    assert ("Danmark" if lang == "da" else "Denmark") in row


def test_the_note_gives_date_and_previous_value_in_the_language():
    row = {"revised_at": WHEN, "was_value": 0.9717, "was_value_status": "published", "was_decimals": 5}
    assert revisions.note(row, 4, "en") == "revised by the publisher (stored December 7, 2026); previously 0.97170"
    assert revisions.note(row, 4, "da") == "revideret af udgiveren (gemt 7. december 2026); tidligere 0,97170"
    assert revisions.note({**row, "revised_at": None}, 4, "en") is None
    assert "not assessed" in revisions.note({**row, "was_value": None, "was_value_status": "not_assessed"}, 4, "en")

"""Uploads in the app: a publisher's corrected file named like a stored one is that file's new version."""

from __future__ import annotations

import pytest

from conftest import UN_HEADER
from rankings import ingest, queries, uploads
from rankings.errors import InputError

DK = '2022,"Denmark ",1,{egdi},0.98860,0.97970,0.96680,0.98720\n'
FI = '2022,"Finland ",2,0.95330,0.96590,0.98330,0.98570,0.89200\n'


def published(egdi: str = "0.97170") -> bytes:
    return (UN_HEADER + "\n" + DK.format(egdi=egdi) + FI).encode()


@pytest.fixture
def stored(tmp_path):
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    (raw / "un-egov").mkdir(parents=True)
    (raw / "un-egov" / "EGOV_DATA_2022.csv").write_bytes(published())
    ingest.ingest(raw, processed)
    return raw, processed


def test_a_corrected_file_named_like_a_stored_one_is_its_new_version(stored):
    raw, processed = stored
    result = uploads.check("EGOV_DATA_2022.csv", published("0.97210"), processed)
    assert result.ok and result.replaces == "un-egov/EGOV_DATA_2022.csv"
    assert "a new version of un-egov/EGOV_DATA_2022.csv" in result.message
    assert result.revisions == [
        "UN E-Government Survey 2022 revised: 1 figure changed, 0 added, 0 removed (python -m rankings revisions)"
    ]
    assert (raw / "un-egov" / "EGOV_DATA_2022.csv").read_bytes() == published()  # the check wrote nothing

    report = uploads.accept("EGOV_DATA_2022.csv", published("0.97210"), raw, processed, replaces=result.replaces)
    assert [r.line() for r in report.revisions] == result.revisions
    assert (raw / "un-egov" / "EGOV_DATA_2022.csv").read_bytes() == published("0.97210")
    assert not (raw / uploads.UPLOAD_FOLDER).exists()
    log = queries.revisions(processed=processed)
    assert list(zip(log["iso3"], log["old_value"], log["new_value"], strict=True)) == [("DNK", 0.9717, 0.9721)]


def test_the_same_figures_again_say_so(stored):
    _, processed = stored
    again = published().replace(b"\n", b"\r\n")  # other bytes, the same figures
    result = uploads.check("EGOV_DATA_2022.csv", again, processed)
    assert result.ok and result.revisions == [] and result.message.endswith("with the same figures")


def test_a_file_with_another_name_and_the_same_figures_is_still_refused(stored):
    _, processed = stored
    result = uploads.check("EGOV_DATA_2022_corrected.csv", published("0.97210"), processed)
    assert not result.ok and "already stored from un-egov/EGOV_DATA_2022.csv" in result.message


def test_accept_refuses_a_replacement_the_check_did_not_name(stored, tmp_path):
    raw, processed = stored
    for replaces in ("../outside.csv", "un-egov/OTHER.csv"):
        with pytest.raises(InputError, match="is not a stored file this upload can replace"):
            uploads.accept("EGOV_DATA_2022.csv", published("0.97210"), raw, processed, replaces=replaces)
    assert (raw / "un-egov" / "EGOV_DATA_2022.csv").read_bytes() == published()

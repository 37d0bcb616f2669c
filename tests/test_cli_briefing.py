"""`python -m rankings briefing`: exit 0 and the file; exit 2, one clear message and no file for bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from rankings import cli, ingest
from rankings.demo import write_demo


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("cli-briefing")
    write_demo(tmp / "raw")
    ingest.ingest(tmp / "raw", tmp / "processed")
    return tmp / "processed"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "rankings", *args], capture_output=True, text=True, cwd=ROOT, env=env)


def test_the_command_writes_a_pdf_and_a_deck(store, tmp_path):
    out = tmp_path / "dk-ee.pdf"
    done = run("briefing", "--country", "EST", "--language", "da", "--out", str(out), "--processed", str(store))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    deck = tmp_path / "dk-ee.pptx"
    assert cli.main(["briefing", "--country", "Estonia", "--out", str(deck), "--processed", str(store)]) == 0
    assert deck.read_bytes().startswith(b"PK")  # a zip: the .pptx package
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dk-ee.pdf", "dk-ee.pptx"]  # no temporary file left


def test_format_option_wins_over_the_suffix(store, tmp_path):
    out = tmp_path / "briefing.bin"
    assert (
        cli.main(["briefing", "--country", "EST", "--format", "pdf", "--out", str(out), "--processed", str(store)]) == 0
    )
    assert out.read_bytes().startswith(b"%PDF")


def test_danish_country_names_are_understood(store, tmp_path):
    out = tmp_path / "b.pdf"
    args = ["briefing", "--country", "Estland", "--focus", "danmark", "--out", str(out), "--processed", str(store)]
    assert cli.main(args) == 0


def exit_2(capsys, tmp_path: Path, out: Path, *args: str) -> str:
    before = sorted(tmp_path.rglob("*"))
    assert cli.main(["briefing", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.is_file()
    assert sorted(tmp_path.rglob("*")) == before  # nothing written, no temporary file left
    return err


def test_unknown_country_suggests_close_matches(store, tmp_path, capsys):
    err = exit_2(capsys, tmp_path, tmp_path / "b.pdf", "--country", "Estonai", "--processed", str(store))
    assert "'Estonai'" in err and "Estonia (EST)" in err
    err = exit_2(capsys, tmp_path, tmp_path / "b.pdf", "--country", "XYZ", "--processed", str(store))
    assert "'XYZ'" in err
    err = exit_2(
        capsys, tmp_path, tmp_path / "b.pdf", "--country", "EST", "--focus", "Danmrk", "--processed", str(store)
    )
    assert "--focus" in err and "Denmark (DNK)" in err


def test_country_without_figures(store, tmp_path, capsys):
    err = exit_2(capsys, tmp_path, tmp_path / "b.pdf", "--country", "FRO", "--processed", str(store))
    assert "no figures for Faroe Islands (FRO)" in err


def test_empty_store(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    err = exit_2(capsys, tmp_path, tmp_path / "b.pdf", "--country", "EST", "--processed", str(tmp_path / "empty"))
    assert "holds no rankings" in err


def test_output_path_that_cannot_be_written(store, tmp_path, capsys):
    err = exit_2(capsys, tmp_path, tmp_path / "missing" / "b.pdf", "--country", "EST", "--processed", str(store))
    assert "cannot be written" in err
    (tmp_path / "folder.pdf").mkdir()
    err = exit_2(capsys, tmp_path, tmp_path / "folder.pdf", "--country", "EST", "--processed", str(store))
    assert "is a folder" in err


def test_unknown_suffix_and_same_country_twice(store, tmp_path, capsys):
    err = exit_2(capsys, tmp_path, tmp_path / "b.docx", "--country", "EST", "--processed", str(store))
    assert "--format" in err
    exit_2(capsys, tmp_path, tmp_path / "b.pdf", "--country", "DNK", "--processed", str(store))


def test_a_failed_write_leaves_an_existing_file_alone(store, tmp_path, capsys):
    out = tmp_path / "b.pdf"
    out.write_bytes(b"the old briefing")
    assert cli.main(["briefing", "--country", "XYZ", "--out", str(out), "--processed", str(store)]) == 2
    assert out.read_bytes() == b"the old briefing"

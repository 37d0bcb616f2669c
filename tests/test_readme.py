"""The README is part of the product: every command, option, column and source it promises must exist, and
everything that exists must be documented there."""

from __future__ import annotations

import argparse

from conftest import ROOT
from rankings import metadata, model
from rankings.cli import build_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_and_option_is_documented():
    for name, sub in _subparsers().items():
        assert f"python -m rankings {name}" in README, name
        for action in sub._actions:
            for flag in action.option_strings:
                if flag not in {"-h", "--help"}:
                    assert flag in README, f"{name} {flag}"


def test_every_column_of_the_contract_is_documented():
    for column in model.COLUMNS:
        assert f"| `{column}` |" in README, column


def test_every_source_is_documented_with_its_download():
    for source in metadata.sources().values():
        assert f"`{source.id}`" in README.split("## Adding official data")[1].split("##")[0], source.id
        assert source.url in README, source.url


def test_the_two_commands_are_the_ones_ci_runs():
    assert "make run" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "\nrun:" in makefile and "\ntest:" in makefile

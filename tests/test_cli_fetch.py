"""``python -m rankings fetch`` as users run it: exit 0 / 1 (each failure named) / 2, one line per file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from rankings import metadata

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k.upper() not in PROXY_VARS}
    return subprocess.run(
        [sys.executable, "-m", "rankings", "fetch", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**base, "PYTHONPATH": str(ROOT), **env},
        timeout=120,
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dry_run_lists_every_file_and_manual_page_and_writes_nothing(tmp_path: Path) -> None:
    done = run("--dry-run", "--raw", str(tmp_path / "raw"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for src in metadata.sources().values():
        if src.manual:
            assert f"{src.title}: manual download from {src.manual}" in lines
    oecd = metadata.sources()["oecd_dgi"].files[0]
    assert f"would fetch {oecd.url} -> {tmp_path / 'raw' / 'oecd' / oecd.name}" in lines
    assert not (tmp_path / "raw").exists()


def test_a_manual_source_only_is_not_a_failure(tmp_path: Path) -> None:
    done = run("un_egov", "--raw", str(tmp_path / "raw"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(
        "manual download from https://publicadministration.un.org/egovkb/en-us/Data-Center"
    )


def test_a_failed_file_exits_1_naming_the_url(tmp_path: Path) -> None:
    # no internet here: a proxy that refuses connections stands for a network that fails
    proxy = f"http://127.0.0.1:{closed_port()}"
    done = run("oecd_dgi", "--raw", str(tmp_path / "raw"), "--retries", "0", HTTPS_PROXY=proxy, HTTP_PROXY=proxy)
    assert done.returncode == 1
    url = metadata.sources()["oecd_dgi"].files[0].url
    (line,) = done.stderr.strip().splitlines()
    assert line == f"failed: {url}: the proxy refused or failed (HTTPS_PROXY / HTTP_PROXY)"
    assert "Traceback" not in done.stderr
    assert not list((tmp_path / "raw").rglob("*.csv"))


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    unknown = run("un_egv", "--dry-run")
    assert unknown.returncode == 2
    assert unknown.stderr.strip().startswith("error: unknown source 'un_egv'; did you mean un_egov")
    assert run("--retries", "-1").returncode == 2
    assert run("--timeout", "soon").returncode == 2

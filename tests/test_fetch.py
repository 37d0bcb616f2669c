"""``rankings fetch`` against a real HTTP server started here (no mocked HTTP layer), serving generated files.

Every case checks what is on disk afterwards: the published file or nothing, never a partial file, and an old
file left intact when the new download fails.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import openpyxl
import pytest

from rankings import fetch, metadata

CSV = b"Country Name,Survey Year,E-Government Index\nDenmark,2022,0.9717\nFinland,2022,0.9533\n"
ETAG = '"v1"'
LAST_MODIFIED = "Tue, 01 Nov 2022 10:00:00 GMT"


def workbook_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Country Name", "E-Government Index"])
    book.active.append(["Denmark", 0.9717])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = workbook_bytes()


class Publisher(BaseHTTPRequestHandler):
    """The publisher's site: one path per case."""

    requests: list[tuple[str, dict[str, str]]]  # (path, headers) of every request, set per server
    attempts: dict[str, int]

    def log_message(self, *args: object) -> None:  # keep the test output quiet
        pass

    def send(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.requests.append((self.path, dict(self.headers)))
        self.attempts[self.path] = self.attempts.get(self.path, 0) + 1
        if self.path == "/EGOV_DATA_2022.csv":
            if self.headers.get("If-None-Match") == ETAG:
                self.send_response(304)
                self.end_headers()
                return
            self.send(200, CSV, ETag=ETAG, Last_Modified=LAST_MODIFIED, Content_Type="text/csv")
        elif self.path == "/data.xlsx":
            self.send(200, XLSX, Content_Type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/EGOV_DATA_2022.csv")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path in ("/dropped.xlsx", "/dropped-once.xlsx"):
            if self.path == "/dropped-once.xlsx" and self.attempts[self.path] > 1:
                self.send(200, XLSX)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(XLSX)))
            self.end_headers()
            self.wfile.write(XLSX[: len(XLSX) // 2])
            self.wfile.flush()
            self.close_connection = True  # the connection drops mid-file
        elif self.path == "/slow.csv":
            time.sleep(1.5)  # longer than the test's read timeout
            self.send(200, CSV)
        elif self.path == "/error-page.xlsx":
            page = b"<!DOCTYPE html><html><body><h1>Sorry, the page is being updated</h1></body></html>"
            self.send(200, page, Content_Type="text/html")
        else:
            self.send(404, b"not found", Content_Type="text/plain")


def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def site() -> Iterator[tuple[str, list]]:
    handler = type("Site", (Publisher,), {"requests": [], "attempts": {}})
    for url in serve(handler):
        yield url, handler.requests


def catalogue(files: dict[str, str], manual: str | None = None) -> dict[str, metadata.Source]:
    """The UN source with these files (published name -> URL) in place of the reviewed metadata's."""
    un = metadata.sources()["un_egov"]
    declared = tuple(metadata.FetchFile(url=url, name=name) for name, url in files.items())
    return {"un_egov": dataclasses.replace(un, files=declared, manual=manual)}


def run(raw: Path, files: dict[str, str], **options: object) -> fetch.FetchReport:
    options = {"retries": 0, "backoff": 0.0, "timeout": (2.0, 5.0), **options}
    return fetch.fetch(["un_egov"], raw, catalogue=catalogue(files), **options)


def on_disk(raw: Path) -> dict[str, bytes]:
    """Every file under raw (hidden ones included: a temporary file left behind would show here)."""
    return {p.relative_to(raw).as_posix(): p.read_bytes() for p in sorted(raw.rglob("*")) if p.is_file()}


def provenance(raw: Path) -> dict:
    return json.loads((raw / "un_egov" / fetch.PROVENANCE).read_text(encoding="utf-8"))["files"]


def test_200_writes_the_published_name_and_its_provenance(tmp_path: Path, site: tuple[str, list]) -> None:
    url, _ = site
    report = run(tmp_path, {"EGOV_DATA_2022.csv": f"{url}/EGOV_DATA_2022.csv"})
    assert [o.status for o in report.outcomes] == ["fetched"]
    assert set(on_disk(tmp_path)) == {"un_egov/EGOV_DATA_2022.csv", f"un_egov/{fetch.PROVENANCE}"}
    assert (tmp_path / "un_egov" / "EGOV_DATA_2022.csv").read_bytes() == CSV
    record = provenance(tmp_path)["EGOV_DATA_2022.csv"]
    assert record["sha256"] == hashlib.sha256(CSV).hexdigest()
    assert record["size"] == len(CSV)
    assert record["url"] == f"{url}/EGOV_DATA_2022.csv"
    assert record["etag"] == ETAG and record["last_modified"] == LAST_MODIFIED
    assert record["accessed"].endswith("Z") and record["accessed"][:4].isdigit()


def test_304_keeps_the_file_and_sends_the_validators(tmp_path: Path, site: tuple[str, list]) -> None:
    url, requests = site
    files = {"EGOV_DATA_2022.csv": f"{url}/EGOV_DATA_2022.csv"}
    run(tmp_path, files)
    path = tmp_path / "un_egov" / "EGOV_DATA_2022.csv"
    mtime = path.stat().st_mtime_ns
    report = run(tmp_path, files)
    assert [(o.status, o.message) for o in report.outcomes] == [("unchanged", "not modified")]
    assert requests[-1][1].get("If-None-Match") == ETAG
    assert requests[-1][1].get("If-Modified-Since") == LAST_MODIFIED
    assert path.read_bytes() == CSV and path.stat().st_mtime_ns == mtime
    assert "checked" in provenance(tmp_path)["EGOV_DATA_2022.csv"]


def test_a_changed_local_file_is_downloaded_again_without_validators(tmp_path: Path, site: tuple[str, list]) -> None:
    url, requests = site
    files = {"EGOV_DATA_2022.csv": f"{url}/EGOV_DATA_2022.csv"}
    run(tmp_path, files)
    path = tmp_path / "un_egov" / "EGOV_DATA_2022.csv"
    path.write_bytes(b"edited by hand\n")
    report = run(tmp_path, files)
    assert report.outcomes[0].status == "fetched"
    assert "If-None-Match" not in requests[-1][1]
    assert path.read_bytes() == CSV


def test_404_fails_naming_the_url_and_leaves_the_old_file(tmp_path: Path, site: tuple[str, list]) -> None:
    url, _ = site
    folder = tmp_path / "un_egov"
    folder.mkdir()
    (folder / "EGOV_DATA_2022.csv").write_bytes(b"old,file\n")
    report = run(tmp_path, {"EGOV_DATA_2022.csv": f"{url}/gone.csv"})
    (failed,) = report.failed
    assert failed.line() == f"failed: {url}/gone.csv: HTTP 404 Not Found"
    assert on_disk(tmp_path) == {"un_egov/EGOV_DATA_2022.csv": b"old,file\n"}


def test_a_redirect_is_followed_and_recorded(tmp_path: Path, site: tuple[str, list]) -> None:
    url, _ = site
    report = run(tmp_path, {"EGOV_DATA_2022.csv": f"{url}/moved"})
    assert report.outcomes[0].status == "fetched"
    assert (tmp_path / "un_egov" / "EGOV_DATA_2022.csv").read_bytes() == CSV
    record = provenance(tmp_path)["EGOV_DATA_2022.csv"]
    assert record["url"] == f"{url}/moved"
    assert record["fetched_from"] == f"{url}/EGOV_DATA_2022.csv"


def test_a_connection_dropped_mid_file_leaves_no_partial_file(tmp_path: Path, site: tuple[str, list]) -> None:
    url, requests = site
    folder = tmp_path / "un_egov"
    folder.mkdir()
    (folder / "data.xlsx").write_bytes(XLSX[:10] + b"old")
    report = run(tmp_path, {"data.xlsx": f"{url}/dropped.xlsx"}, retries=2)
    (failed,) = report.failed
    assert "connection closed" in failed.message and "after 3 attempts" in failed.message
    assert len(requests) == 3
    assert on_disk(tmp_path) == {"un_egov/data.xlsx": XLSX[:10] + b"old"}


def test_a_dropped_connection_is_retried(tmp_path: Path, site: tuple[str, list]) -> None:
    url, requests = site
    report = run(tmp_path, {"data.xlsx": f"{url}/dropped-once.xlsx"}, retries=1)
    assert [o.status for o in report.outcomes] == ["fetched"]
    assert len(requests) == 2
    assert (tmp_path / "un_egov" / "data.xlsx").read_bytes() == XLSX


def test_a_server_slower_than_the_timeout_fails(tmp_path: Path, site: tuple[str, list]) -> None:
    url, _ = site
    started = time.monotonic()
    report = run(tmp_path, {"EGOV_DATA_2022.csv": f"{url}/slow.csv"}, timeout=(1.0, 0.3))
    assert time.monotonic() - started < 1.4  # gave up before the server answered
    (failed,) = report.failed
    assert failed.message.startswith("timed out")
    assert failed.line().startswith(f"failed: {url}/slow.csv: timed out")
    assert on_disk(tmp_path) == {}


def test_an_html_page_instead_of_the_workbook_is_refused(tmp_path: Path, site: tuple[str, list]) -> None:
    url, _ = site
    folder = tmp_path / "un_egov"
    folder.mkdir()
    (folder / "data.xlsx").write_bytes(XLSX)
    report = run(tmp_path, {"data.xlsx": f"{url}/error-page.xlsx"})
    (failed,) = report.failed
    assert failed.line() == f"failed: {url}/error-page.xlsx: the server sent an HTML page, not the expected .xlsx file"
    assert on_disk(tmp_path) == {"un_egov/data.xlsx": XLSX}


def test_a_csv_served_as_a_workbook_is_refused(tmp_path: Path, site: tuple[str, list]) -> None:
    url, _ = site
    report = run(tmp_path, {"data.xlsx": f"{url}/EGOV_DATA_2022.csv"})
    assert report.failed[0].message == "not an Excel workbook (.xlsx), expected data.xlsx"
    assert on_disk(tmp_path) == {}


def test_a_workbook_is_fetched(tmp_path: Path, site: tuple[str, list]) -> None:
    url, _ = site
    report = run(tmp_path, {"data.xlsx": f"{url}/data.xlsx"})
    assert [o.status for o in report.outcomes] == ["fetched"]
    assert openpyxl.load_workbook(tmp_path / "un_egov" / "data.xlsx").active["A2"].value == "Denmark"


class Proxy(BaseHTTPRequestHandler):
    """A small forwarding proxy: takes the absolute URL of the request line and asks the server for it."""

    seen: list[str]

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.seen.append(self.path)
        forward = urllib.request.Request(self.path, headers={"User-Agent": self.headers.get("User-Agent", "")})
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with direct.open(forward, timeout=5) as answer:
            body = answer.read()
            self.send_response(answer.status)
            for name in ("Content-Type", "ETag", "Last-Modified"):
                if answer.headers.get(name):
                    self.send_header(name, answer.headers[name])
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Via", "1.1 test-proxy")
        self.end_headers()
        self.wfile.write(body)


def test_the_proxy_variables_are_honoured(
    tmp_path: Path, site: tuple[str, list], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, requests = site
    handler = type("TestProxy", (Proxy,), {"seen": []})
    for proxy in serve(handler):
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.setenv("HTTPS_PROXY", proxy)
        report = run(tmp_path, {"EGOV_DATA_2022.csv": f"{url}/EGOV_DATA_2022.csv"})
        assert [o.status for o in report.outcomes] == ["fetched"]
        assert handler.seen == [f"{url}/EGOV_DATA_2022.csv"]  # the absolute URL: asked of the proxy
        assert (tmp_path / "un_egov" / "EGOV_DATA_2022.csv").read_bytes() == CSV

        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        (tmp_path / "un_egov" / "EGOV_DATA_2022.csv").unlink()
        run(tmp_path, {"EGOV_DATA_2022.csv": f"{url}/EGOV_DATA_2022.csv"})
        assert len(handler.seen) == 1  # NO_PROXY: straight to the server
        assert len(requests) == 2


def test_manual_sources_are_named_not_failed(tmp_path: Path) -> None:
    report = fetch.fetch(["un_egov", "eu_desi"], tmp_path, dry_run=True)
    assert [o.status for o in report.outcomes] == ["manual", "manual"]
    un = metadata.sources()["un_egov"]
    assert report.outcomes[0].line() == f"{un.title}: manual download from {un.manual}"
    assert not report.failed


def test_dry_run_names_url_and_path_and_writes_nothing(tmp_path: Path) -> None:
    report = fetch.fetch(["oecd_dgi", "oecd_ourdata"], tmp_path, dry_run=True)
    (planned,) = report.outcomes  # one file serves both OECD sources
    oecd = metadata.sources()["oecd_dgi"].files[0]
    assert planned.line() == f"would fetch {oecd.url} -> {tmp_path / 'oecd' / oecd.name}"
    assert planned.source == "oecd_dgi,oecd_ourdata"
    assert not tmp_path.exists() or on_disk(tmp_path) == {}


def test_an_unknown_source_suggests_a_close_one(tmp_path: Path) -> None:
    with pytest.raises(fetch.UnknownSource, match="did you mean un_egov"):
        fetch.fetch(["un_egv"], tmp_path, dry_run=True)


def test_every_source_declares_files_or_a_manual_page() -> None:
    for src in metadata.sources().values():
        assert src.files or src.manual, src.id
        for file in src.files:
            assert file.url.startswith("https://"), src.id


def test_a_changed_file_is_ingested(tmp_path: Path, site: tuple[str, list]) -> None:
    url, _ = site
    from rankings.demo import un_egov

    demo = un_egov.write(tmp_path / "demo-files")
    published = next(p for p in demo if p.name == "DEMO_EGOV_DATA_2022.csv").read_bytes()

    class Served(Publisher):
        def do_GET(self) -> None:
            self.send(200, published, ETag='"d"')

    handler = type("Served2", (Served,), {"requests": [], "attempts": {}})
    for served in serve(handler):
        raw, processed = tmp_path / "raw", tmp_path / "processed"
        files = {"EGOV_DATA_2022.csv": f"{served}/EGOV_DATA_2022.csv"}
        report, ingested = fetch.refresh(
            ["un_egov"], raw, processed, catalogue=catalogue(files), retries=0, backoff=0.0
        )
        assert [o.status for o in report.outcomes] == ["fetched"]
        assert ingested is not None
        (stored,) = [r for r in ingested.results if r.path.endswith("EGOV_DATA_2022.csv")]
        assert stored.status != "failed"
        again, ingested_again = fetch.refresh(
            ["un_egov"], raw, processed, catalogue=catalogue(files), retries=0, backoff=0.0
        )
        assert [o.status for o in again.outcomes] == ["unchanged"] and ingested_again is None
    del url


def test_a_corrected_file_from_the_publisher_is_ingested_and_its_revision_reported(tmp_path: Path) -> None:
    header = (
        "Survey Year,Country Name,E-Government Rank,E-Government Index,E-Participation Index,"
        "Online Service Index,Human Capital Index,Telecommunication Infrastructure Index\n"
    )
    versions = [
        (header + '2022,"Denmark ",1,{},0.98860,0.97970,0.96680,0.98720\n').format(v).encode()
        for v in ("0.97170", "0.97210")
    ]

    class Corrected(Publisher):
        def do_GET(self) -> None:  # the publisher re-issues the table: a new body and a new ETag
            served = versions[min(len(self.requests), 2) - 1]
            self.requests.append(self.path)
            self.send(200, served, ETag=f'"v{versions.index(served)}"')

    handler = type("Corrected2", (Corrected,), {"requests": [None], "attempts": {}})
    for served in serve(handler):
        raw, processed = tmp_path / "raw", tmp_path / "processed"
        files = {"EGOV_DATA_2022.csv": f"{served}/EGOV_DATA_2022.csv"}
        _, first = fetch.refresh(["un_egov"], raw, processed, catalogue=catalogue(files), retries=0, backoff=0.0)
        assert first is not None and first.revisions == []
        report, ingested = fetch.refresh(
            ["un_egov"], raw, processed, catalogue=catalogue(files), retries=0, backoff=0.0
        )
        assert [o.status for o in report.outcomes] == ["fetched"] and ingested is not None
        assert [r.line() for r in ingested.revisions] == [
            "UN E-Government Survey 2022 revised: 1 figure changed, 0 added, 0 removed (python -m rankings revisions)"
        ]


def test_the_data_page_setting_defaults_to_off(tmp_path: Path) -> None:
    config = tmp_path / "app.yaml"
    config.write_text("language: da\n", encoding="utf-8")
    assert fetch.enabled(config) is False
    config.write_text("language: da\nfetch: {enabled: true}\n", encoding="utf-8")
    assert fetch.enabled(config) is True
    config.write_text("fetch: yes\n", encoding="utf-8")
    with pytest.raises(fetch.FetchConfigError, match=r"app\.yaml"):
        fetch.enabled(config)
    assert fetch.enabled(tmp_path / "absent.yaml") is False

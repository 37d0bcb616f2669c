"""Crash safety: real ingest, sync and decision processes killed (SIGKILL) at seeded random points.

After every kill the store is readable and holds, for each raw file, either its old or its new data (never a mix
or a partial part), and the next run completes and leaves nothing behind. The decisions database loses no
committed decision. The raw folder is the demo data plus, when present, the real published files.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow.parquet as pq

from conftest import REALDATA, ROOT
from rankings import db
from rankings.demo import survey_demo_folder, write_demo
from rankings.errors import StoreError
from rankings.ingest import DEMO_MARKER
from rankings.rawfile import sha256_of
from rankings.store import Store
from rankings.survey.decisions import DecisionStore
from rankings.survey.store import SurveyStore
from rankings.survey.workbook import read_submission

SEED = 20261128
KILLS = 8
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def ingest_cmd(raw: Path, processed: Path) -> list[str]:
    return [sys.executable, "-m", "rankings", "ingest", "--raw", str(raw), "--processed", str(processed), "--quiet"]


@dataclass
class Commit:
    seconds: float  # since the process started
    path: str


def run_watching(cmd: list[str], manifest: Path) -> tuple[list[Commit], float]:
    """Run to completion, noting when each file's entry of the manifest changes (the file is committed)."""
    seen: dict[str, str] = {}
    commits: list[Commit] = []
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while True:
        done = proc.poll() is not None
        try:  # the manifest with its journal, as every reader sees it
            files = {p: asdict(e) for p, e in Store(manifest.parent).load_manifest().files.items()}
        except (OSError, StoreError):
            files = {}
        for path, entry in files.items():
            if seen.get(path) != entry["ingested_at"] + entry["status"] + str(entry["parts"]):
                seen[path] = entry["ingested_at"] + entry["status"] + str(entry["parts"])
                commits.append(Commit(time.monotonic() - started, path))
        if done:
            break
        time.sleep(0.005)
    assert proc.returncode == 0, proc.stderr.read().decode() if proc.stderr else ""
    return commits, time.monotonic() - started


def check_store(processed: Path) -> dict[str, int]:
    """The invariants after a kill: the store reads, each file's observations are one whole version."""
    db.reset()
    manifest = Store(processed).load_manifest()  # a manifest that does not parse raises here
    live = {e.path: e for e in manifest.files.values() if e.parts}
    per_file = db.query(
        "SELECT source_file, count(*) AS n, list(DISTINCT file_sha256) AS versions FROM observations GROUP BY 1",
        processed=processed,
    )
    got = {r.source_file: (int(r.n), sorted(r.versions)) for r in per_file.itertuples()}
    assert set(got) == set(live), "observations of a file the manifest does not list, or a listed file without any"
    for path, entry in live.items():
        assert got[path] == (entry.rows, [entry.stored_sha256]), (path, got[path], entry.rows, entry.stored_sha256)
        rows = sum(pq.read_metadata(processed / part).num_rows for part in entry.parts)  # every part opens whole
        assert rows == entry.rows, path
    db.reset()
    return {path: entry.rows for path, entry in live.items()}


def orphans(processed: Path) -> set[str]:
    live = set(Store(processed).load_manifest().live_parts())
    on_disk = {p.relative_to(processed).as_posix() for p in (processed / "observations").rglob("*") if p.is_file()}
    leftovers = {p.name for p in processed.glob(".manifest.json.*.tmp")}
    return (on_disk - live) | leftovers


def toggle(path: Path, raw: Path) -> str:
    """A new version of a raw file (a line break more or less at its end); a demo file stays demo."""
    data = path.read_bytes()
    path.write_bytes(data[:-1] if data.endswith(b"\n\n") else data + b"\n")
    marker = raw / "demo" / DEMO_MARKER
    rel = path.relative_to(raw / "demo").as_posix() if path.is_relative_to(raw / "demo") else None
    if rel is not None:
        content = json.loads(marker.read_text())
        content["files"][rel] = sha256_of(path)
        marker.write_text(json.dumps(content))
    return sha256_of(path)


def raw_folder(tmp_path: Path) -> tuple[Path, Path]:
    """Demo data, and the real files when present; returns the folder and the CSV whose versions change."""
    raw = tmp_path / "raw"
    write_demo(raw)
    real = REALDATA.is_dir()
    if real:
        shutil.copytree(REALDATA, raw / "official", ignore=shutil.ignore_patterns("README*"))
        for path in (raw / "official").rglob("*"):
            path.chmod(0o644 if path.is_file() else 0o755)
    changing = sorted((raw / ("official/un-egov" if real else "demo/un_egov")).glob("*.csv"))[-1]
    return raw, changing


def generation(processed: Path) -> int:
    try:
        return Store(processed).load_manifest().generation
    except (OSError, StoreError):
        return 0


def kill_during(cmd: list[str], processed: Path, after: int, into: float) -> tuple[bool, int]:
    """Start a run, wait until it has committed ``after`` files, then SIGKILL it ``into`` seconds later.

    Returns whether the kill came before the run ended, and how many files the run committed."""
    start = generation(processed)
    proc = subprocess.Popen(cmd, env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while generation(processed) - start < after and proc.poll() is None:
        time.sleep(0.002)
    time.sleep(into)
    proc.send_signal(signal.SIGKILL)
    killed = proc.wait() == -signal.SIGKILL
    return killed, generation(processed) - start


def test_sigkill_at_random_points_leaves_each_file_old_or_new_and_the_next_run_completes(tmp_path):
    raw, changing = raw_folder(tmp_path)
    processed = tmp_path / "processed"
    commits, total = run_watching(ingest_cmd(raw, processed), processed / "manifest.json")
    statuses = {p: e.status for p, e in Store(processed).load_manifest().files.items()}
    read = [i for i, c in enumerate(commits) if statuses[c.path] == "stored"]
    assert len(read) >= 6, commits
    check_store(processed)
    rel = changing.relative_to(raw).as_posix()
    versions = {Store(processed).load_manifest().files[rel].stored_sha256}

    # Where to kill, as (files committed, seconds into the next one): before the first commit, during the first
    # file that is read and during the last one, and at seeded random points of the run.
    took = [c.seconds - (commits[i - 1].seconds if i else 0.0) for i, c in enumerate(commits)]
    rng = random.Random(SEED)
    points = [(0, rng.uniform(0.05, 0.8) * took[0]), (read[0], 0.5 * took[read[0]]), (read[-1], 0.5 * took[read[-1]])]
    for _ in range(KILLS - len(points)):
        k = rng.randrange(len(commits))
        points.append((k, rng.uniform(0.1, 0.9) * took[k]))

    outcomes = []
    for i, (after, into) in enumerate(points):
        if i % 2 == 0:
            versions.add(toggle(changing, raw))  # a changed version to ingest while the old one is stored
        killed, committed = kill_during([*ingest_cmd(raw, processed), "--force"], processed, after, into)
        outcomes.append((after, round(into, 2), killed, committed))

        check_store(processed)
        assert Store(processed).load_manifest().files[rel].stored_sha256 in versions

        done = subprocess.run(ingest_cmd(raw, processed), env=ENV, cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert orphans(processed) == set()
        assert Store(processed).load_manifest().files[rel].stored_sha256 == sha256_of(changing)

    assert sum(check_store(processed).values()) > 0
    assert sum(killed for _, _, killed, _ in outcomes) >= KILLS - 1, outcomes  # the kills came mid-run
    committed = [c for *_, c in outcomes]
    # (Timing varies from run to run: a kill lands near its point, not on it.)
    assert min(committed) <= read[0] and max(committed) >= len(commits) - 2, outcomes
    print(
        f"\n{KILLS} kills over a {total:.1f} s run of {len(commits)} files (files done, s into the next, killed, "
        f"files committed): {outcomes}"
    )


def revise(path: Path, version: int) -> str:
    """A publisher's corrected version of a UN CSV: its first country's EGDI reads differently in each version."""
    lines = path.read_bytes().split(b"\n")
    cells = lines[1].split(b",")
    cells[-5] = f"0.{40000 + version:05d}".encode()  # E-Government Index (the name may hold a comma: count back)
    lines[1] = b",".join(cells)
    path.write_bytes(b"\n".join(lines))
    return sha256_of(path)


def test_sigkill_while_a_revision_is_committed_leaves_its_log_and_its_parts_together(tmp_path):
    """Issue 15: the revision log is written in the same commit as the new parts, so a kill at any moment leaves
    both (the corrected file is stored and its revision logged, once) or neither."""
    raw = tmp_path / "raw"
    write_demo(raw)
    if REALDATA.is_dir():
        shutil.copytree(REALDATA, raw / "official", ignore=shutil.ignore_patterns("README*"))
        for path in (raw / "official").rglob("*"):
            path.chmod(0o644 if path.is_file() else 0o755)
        changing = sorted((raw / "official/un-egov").glob("*.csv"))[-1]
    else:  # an official copy of a demo file (the demo files are then skipped)
        changing = raw / "official" / "EGOV_DATA_2022.csv"
        changing.parent.mkdir(parents=True)
        changing.write_bytes((raw / "demo/un_egov/DEMO_EGOV_DATA_2022.csv").read_bytes())
        revise(changing, 0)  # no longer the demo file's bytes
    processed = tmp_path / "processed"
    commits, total = run_watching(ingest_cmd(raw, processed), processed / "manifest.json")
    rel = changing.relative_to(raw).as_posix()
    rng = random.Random(SEED + 15)
    took = [c.seconds - (commits[i - 1].seconds if i else 0.0) for i, c in enumerate(commits)]
    where = next(i for i, c in enumerate(commits) if c.path == rel)
    # Kills just before and during the corrected file, well after it, and at random points of the run.
    points = [(where, 0.2 * took[where]), (where, 0.6 * took[where]), (max(0, where - 1), 0.9 * took[where - 1])]
    points.append((where + 2, 0.5 * took[where + 2]) if where + 2 < len(commits) else (where, 3 * took[where]))
    points += [(k, rng.uniform(0.1, 0.9) * took[k]) for k in (rng.randrange(len(commits)) for _ in range(2))]

    logged: list[str] = []  # the corrected versions, each logged once when its run completed
    outcomes = []
    for version, (after, into) in enumerate(points, start=1):
        sha = revise(changing, version)
        killed, _committed = kill_during([*ingest_cmd(raw, processed), "--force"], processed, after, into)
        check_store(processed)
        store = Store(processed)
        manifest = store.load_manifest()
        log = store.read_revisions(manifest)  # every log part the manifest lists opens whole
        stored = manifest.files[rel].stored_sha256
        assert stored in {sha, *logged[-1:]} or (not logged and stored is not None), (stored, sha)
        assert int((log["new_sha256"] == sha).sum()) == (1 if stored == sha else 0), (version, after, into)
        for earlier in logged:
            assert int((log["new_sha256"] == earlier).sum()) == 1
        assert {p.relative_to(processed).as_posix() for p in (processed / "revisions").glob("*.parquet")} >= set(
            manifest.revisions
        )
        outcomes.append((after, round(into, 2), killed, stored == sha))

        done = subprocess.run(ingest_cmd(raw, processed), env=ENV, cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert ("revised: 1 figure changed" in done.stdout) is (stored != sha), done.stdout
        logged.append(sha)
        log = Store(processed).read_revisions(Store(processed).load_manifest())
        assert int((log["new_sha256"] == sha).sum()) == 1
        assert orphans(processed) == set()
        assert {p.relative_to(processed).as_posix() for p in (processed / "revisions").glob("*")} == set(
            Store(processed).load_manifest().revisions
        )  # no unreferenced log part left behind
    db.reset()
    assert db.query("SELECT count(*) AS n FROM revisions", processed=processed)["n"].iloc[0] == len(points)
    db.reset()
    assert any(both for *_, both in outcomes) and not all(both for *_, both in outcomes), outcomes
    print(f"\nrevision kills over a {total:.1f} s run (files done, s into the next, killed, logged): {outcomes}")


# ---------------------------------------------------------------------------------------------------- surveys

SYNC = [sys.executable, "-m", "rankings", "survey", "sync"]


def survey_parts_open(processed: Path) -> None:
    store = SurveyStore(processed)
    manifest = store.load_manifest()
    for part in manifest.live_parts():
        pq.read_table(store.root / part)
    for sid in store.current():
        store.load(sid)
        store.flags(sid)
    db.reset()
    assert db.query("SELECT count(*) AS n FROM answers", processed=processed)["n"][0] >= 0
    db.reset()


def test_sigkill_during_a_survey_sync_leaves_a_readable_store(tmp_path):
    surveys, processed = tmp_path / "sync", tmp_path / "processed"
    write_demo(tmp_path / "raw")
    drafts = sorted(survey_demo_folder(tmp_path / "raw").rglob("*.xlsx"))
    folders = [surveys / f"copy{i}" for i in range(6)]  # 12 workbooks: a sync long enough to be killed in
    cmd = [*SYNC, "--surveys", str(surveys), "--processed", str(processed)]
    rng = random.Random(SEED)
    killed = 0
    # Kill at a fraction of how long a whole sync takes on this machine (an idle CI machine is faster).
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(drafts[0], folder / "one.xlsx")
        shutil.copy(drafts[1], folder / "two.xlsx")
    started = time.monotonic()
    timing = [*SYNC, "--surveys", str(surveys), "--processed", str(tmp_path / "timing")]
    subprocess.run(timing, env=ENV, cwd=ROOT, capture_output=True, check=True)
    full = time.monotonic() - started
    for round_ in range(3):
        for i, folder in enumerate(folders):  # every workbook changes, so every sync writes parts
            folder.mkdir(parents=True, exist_ok=True)
            first, second = drafts if (round_ + i) % 2 == 0 else drafts[::-1]
            shutil.copy(first, folder / "one.xlsx")
            shutil.copy(second, folder / "two.xlsx")
        proc = subprocess.Popen(cmd, env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.35, 0.8) * full)
        proc.send_signal(signal.SIGKILL)
        killed += proc.wait() == -signal.SIGKILL
        survey_parts_open(processed)
        done = subprocess.run(cmd, env=ENV, cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        survey_parts_open(processed)
        store = SurveyStore(processed)
        live = {(store.root / p).as_posix() for p in store.load_manifest().live_parts()}
        assert {p.as_posix() for p in (store.root / "parts").rglob("*.parquet")} == live
        assert len(store.load_manifest().versions) == 2 * len(folders)
    assert killed >= 1


WRITER = """
import sys
from rankings.survey.decisions import DecisionStore
from rankings.survey.workbook import read_submission

store, submission = DecisionStore(sys.argv[1]), read_submission(sys.argv[2])
prints = submission.fingerprints()
ids = sorted(prints)
i = int(sys.argv[3])
while True:
    qid = ids[i % len(ids)]
    event = store.record(submission.submission_id, qid, prints[qid], "needs_change", f"Person {i}", f"comment {i}")
    print(event.id, flush=True)
    i += 1
"""


def test_sigkill_of_a_decision_writer_loses_no_committed_decision(tmp_path):
    write_demo(tmp_path / "raw")
    draft = survey_demo_folder(tmp_path / "raw") / "demo-survey-2026-draft.xlsx"
    submission = read_submission(draft)
    path = tmp_path / "decisions.sqlite"
    store = DecisionStore(path)
    store.sync_answers(submission)
    answers_events = len(store.trail())
    rng = random.Random(SEED)
    confirmed: list[int] = []
    known = answers_events
    for kill in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(draft), str(kill * 1000)],
            env=ENV,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout is not None
        printed = [int(proc.stdout.readline()) for _ in range(rng.randint(5, 40))]  # decisions it saw committed
        time.sleep(rng.uniform(0, 0.02))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        printed += [int(line) for line in out.split()]
        confirmed += printed
        with store._connect() as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        trail = store.trail()
        ids = trail["id"].tolist()
        assert ids == list(range(1, len(ids) + 1))  # no hole, no half-written row
        assert set(confirmed) <= set(ids)  # every decision the writer saw committed is there
        assert len(ids) - known - len(printed) in (0, 1)  # and at most the one it was about to print
        known = len(ids)
        decisions = trail[trail["kind"] == "decision"]
        assert (
            decisions["person"].str.startswith("Person ").all()
            and decisions["comment"].str.startswith("comment ").all()
        )
        assert not store.status(submission.submission_id).empty
    assert len(confirmed) > 10

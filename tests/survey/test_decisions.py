"""Decisions: persisted across restarts, four eyes, reopened when the answer changes, stale writes refused, and
concurrent writers (threads and processes) never lose one."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT
from rankings.survey.decisions import DecisionError, DecisionStore, SelfVerification, StaleDecision
from rankings.survey.workbook import read_submission
from survey.conftest import CLEAN_ANSWERS, with_answer


@pytest.fixture
def setup(tmp_path, workbook):
    """A decision store that knows the clean submission's answers."""
    sub = read_submission(workbook())
    store = DecisionStore(tmp_path / "processed" / "surveys" / "decisions.sqlite")
    store.sync_answers(sub)
    return store, sub


def status_of(store: DecisionStore, sid: str, qid: str) -> dict:
    table = store.status(sid)
    return table[table["question_id"] == qid].iloc[0].to_dict()


def test_a_decision_is_recorded_with_who_what_when(setup):
    store, sub = setup
    fp = sub.fingerprints()["Q1"]
    event = store.record(sub.submission_id, "Q1", fp, "verified", "  Bo   Holm ", "Checked the strategy page")
    assert event.person == "Bo Holm" and event.status == "verified" and event.at.endswith("+00:00")
    row = status_of(store, sub.submission_id, "Q1")
    assert row["status"] == "verified" and row["decided_by"] == "Bo Holm"
    assert row["comment"] == "Checked the strategy page"
    assert status_of(store, sub.submission_id, "Q2")["status"] == "open"
    trail = store.trail(sub.submission_id, "Q1")
    assert list(trail["kind"]) == ["answer_added", "decision"]


def test_decisions_survive_a_restart(setup):
    """A new object, and a fresh process, read what was recorded."""
    store, sub = setup
    store.record(sub.submission_id, "Q5", sub.fingerprints()["Q5"], "needs_change", "Anna Jensen", "Source is old")
    again = DecisionStore(store.path)
    assert status_of(again, sub.submission_id, "Q5")["status"] == "needs_change"
    code = (
        "import json, sys; from rankings.survey.decisions import DecisionStore; "
        f"t = DecisionStore({str(store.path)!r}).status({sub.submission_id!r}); "
        "print(json.dumps(dict(zip(t['question_id'], t['status']))))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["Q5"] == "needs_change"


def test_four_eyes(setup):
    store, sub = setup
    fp = sub.fingerprints()["Q1"]  # answered by Anna Jensen
    with pytest.raises(SelfVerification, match="cannot verify their own answer"):
        store.record(sub.submission_id, "Q1", fp, "verified", "anna  JENSEN")
    # the person who answered may say their own answer needs a change
    store.record(sub.submission_id, "Q1", fp, "needs_change", "Anna Jensen", "I mistyped the link")
    store.record(sub.submission_id, "Q1", fp, "verified", "Bo Holm")
    assert status_of(store, sub.submission_id, "Q1")["status"] == "verified"


def test_four_eyes_with_several_people_answering(tmp_path, workbook):
    sub = read_submission(workbook(answers=with_answer("Q1", answered_by="Anna Jensen; Bo Holm")))
    store = DecisionStore(tmp_path / "d.sqlite")
    store.sync_answers(sub)
    with pytest.raises(SelfVerification):
        store.record(sub.submission_id, "Q1", sub.fingerprints()["Q1"], "verified", "Bo Holm")


@pytest.mark.parametrize(
    ("status", "person", "comment", "message"),
    [
        ("verified", "", "", "name of the person is required"),
        ("needs_change", "Bo Holm", "  ", "a comment is required"),
        ("approved", "Bo Holm", "", "must be one of verified, needs_change"),
        ("verified", "x" * 101, "", "at most 100 characters"),
        ("verified", "Bo\x07Holm", "", "one line"),
        ("verified", "Bo Holm", "y" * 2001, "at most 2000 are kept"),
    ],
)
def test_invalid_decisions_are_refused(setup, status, person, comment, message):
    store, sub = setup
    with pytest.raises(DecisionError, match=message):
        store.record(sub.submission_id, "Q1", sub.fingerprints()["Q1"], status, person, comment)
    assert len(store.trail(sub.submission_id, "Q1")) == 1  # only the answer_added event


def test_an_unknown_answer_is_refused(setup):
    store, sub = setup
    with pytest.raises(DecisionError, match="not a question of the stored submission"):
        store.record(sub.submission_id, "Q42", "0" * 32, "verified", "Bo Holm")


def test_a_changed_answer_reopens_its_decision_and_a_stale_decision_is_refused(setup, workbook):
    store, sub = setup
    sid, old = sub.submission_id, sub.fingerprints()
    store.record(sid, "Q5", old["Q5"], "verified", "Anna Jensen")
    store.record(sid, "Q6", old["Q6"], "verified", "Anna Jensen")
    changed = read_submission(workbook("v2.xlsx", answers=with_answer("Q5", answer=85)))
    assert store.sync_answers(changed) == ["Q5"]
    assert status_of(store, sid, "Q5")["status"] == "reopened"
    assert status_of(store, sid, "Q6")["status"] == "verified"  # unchanged answer: its decision stands
    with pytest.raises(StaleDecision, match="changed after this decision was prepared"):
        store.record(sid, "Q5", old["Q5"], "verified", "Anna Jensen")
    store.record(sid, "Q5", changed.fingerprints()["Q5"], "verified", "Anna Jensen")
    assert status_of(store, sid, "Q5")["status"] == "verified"
    kinds = list(store.trail(sid, "Q5")["kind"])
    assert kinds == ["answer_added", "decision", "answer_changed", "decision"]
    # back to the first answer: the first decision was about that very answer, so it applies again
    store.sync_answers(sub)
    assert status_of(store, sid, "Q5")["status"] == "verified"


def test_evidence_changes_reopen_too_but_comments_do_not(setup, workbook):
    store, sub = setup
    sid = sub.submission_id
    store.record(sid, "Q1", sub.fingerprints()["Q1"], "verified", "Bo Holm")
    commented = read_submission(workbook("c.xlsx", answers=with_answer("Q1", comment="ok", answered_on="2025-01-01")))
    assert store.sync_answers(commented) == []
    other_evidence = read_submission(workbook("e.xlsx", answers=with_answer("Q1", evidence_url="https://b.dk")))
    assert store.sync_answers(other_evidence) == ["Q1"]
    assert status_of(store, sid, "Q1")["status"] == "reopened"


def test_a_removed_question_is_logged(setup, workbook):
    store, sub = setup
    shorter = read_submission(workbook("s.xlsx", answers=CLEAN_ANSWERS))
    shorter.questions = [q for q in shorter.questions if q.question_id != "Q9"]
    assert store.sync_answers(shorter) == ["Q9"]
    assert list(store.trail(sub.submission_id, "Q9")["kind"]) == ["answer_added", "answer_removed"]


def test_the_audit_trail_is_append_only(setup):
    store, sub = setup
    store.record(sub.submission_id, "Q1", sub.fingerprints()["Q1"], "verified", "Bo Holm")
    con = sqlite3.connect(store.path)
    try:
        for sql in ("UPDATE events SET person = 'someone else'", "DELETE FROM events"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute(sql)
    finally:
        con.close()


def test_the_database_is_in_wal_mode(setup):
    store, _ = setup
    con = sqlite3.connect(store.path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        con.close()


def test_concurrent_threads_lose_no_decision(setup):
    """Many coordinators on different answers and several on the same one: every decision is kept."""
    store, sub = setup
    sid, prints = sub.submission_id, sub.fingerprints()
    qids = [a["question_id"] for a in CLEAN_ANSWERS]
    errors: list[BaseException] = []
    per_thread = 15

    def work(n: int) -> None:
        try:
            for i in range(per_thread):
                qid = "Q8" if i % 3 == 0 else qids[(n + i) % len(qids)]  # Q8: everybody, again and again
                store.record(sid, qid, prints[qid], "needs_change", f"Coordinator {n}", f"decision {n}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    decisions = store.trail(sid).query("kind == 'decision'")
    assert len(decisions) == 8 * per_thread
    assert set(decisions["comment"]) == {f"decision {n}-{i}" for n in range(8) for i in range(per_thread)}
    assert decisions["id"].is_unique and decisions["id"].is_monotonic_increasing
    latest = decisions[decisions["question_id"] == "Q8"].iloc[-1]
    assert status_of(store, sid, "Q8")["comment"] == latest["comment"]


WORKER = """
import sys
from rankings.survey.decisions import DecisionStore
path, sid, qid, fp, n, count, fp8 = sys.argv[1:]
store = DecisionStore(path)
for i in range(int(count)):
    store.record(sid, qid if i % 2 else "Q8", fp if i % 2 else fp8, "needs_change", f"Process {n}", f"p{n}-{i}")
"""


def test_concurrent_processes_lose_no_decision(setup):
    store, sub = setup
    sid, prints = sub.submission_id, sub.fingerprints()
    count, procs = 20, []
    for n in range(6):
        qid = ["Q1", "Q4", "Q5", "Q6", "Q7", "Q3"][n]
        args = [str(store.path), sid, qid, prints[qid], str(n), str(count), prints["Q8"]]
        procs.append(subprocess.Popen([sys.executable, "-c", WORKER, *args], cwd=ROOT, stderr=subprocess.PIPE))
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    decisions = store.trail(sid).query("kind == 'decision'")
    assert len(decisions) == 6 * count
    assert set(decisions["comment"]) == {f"p{n}-{i}" for n in range(6) for i in range(count)}


def test_a_decision_racing_an_upload_is_either_current_or_refused(setup, workbook):
    """While new versions of the draft are stored, decisions made on what a coordinator saw are either recorded
    on the answer as it was when recorded, or refused as stale; never recorded on an answer that is gone."""
    store, sub = setup
    sid = sub.submission_id
    versions = [sub, read_submission(workbook("v2.xlsx", answers=with_answer("Q5", answer=85)))]
    prints = {v.fingerprints()["Q5"] for v in versions}
    stop = threading.Event()
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def uploader() -> None:
        i = 0
        while not stop.is_set():
            store.sync_answers(versions[i % 2])
            i += 1

    def coordinator(n: int) -> None:
        try:
            for i in range(20):
                seen = store.status(sid).set_index("question_id").loc["Q5", "fingerprint"]
                try:
                    store.record(sid, "Q5", seen, "verified", f"Coordinator {n}", f"c{n}-{i}")
                    outcomes.append("recorded")
                except StaleDecision:
                    outcomes.append("stale")
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    up = threading.Thread(target=uploader)
    up.start()
    workers = [threading.Thread(target=coordinator, args=(n,)) for n in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stop.set()
    up.join()
    assert not errors and len(outcomes) == 80
    trail = store.trail(sid, "Q5")
    decisions = trail[trail["kind"] == "decision"]
    assert len(decisions) == outcomes.count("recorded")
    assert set(decisions["fingerprint"]) <= prints
    # each recorded decision was made on the answer that was current at that moment in the trail
    current = None
    for row in trail.itertuples():
        if row.kind != "decision":
            current = row.fingerprint
        else:
            assert row.fingerprint == current


def test_reading_an_absent_store_creates_nothing(tmp_path):
    store = DecisionStore(tmp_path / "none" / "decisions.sqlite")
    assert store.status("x").empty and store.trail().empty
    assert not store.path.exists() and not Path(tmp_path / "none").exists()

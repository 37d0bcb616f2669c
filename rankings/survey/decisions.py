"""Coordinators' decisions on flagged answers: SQLite in WAL mode, an append-only audit trail, four eyes.

``<processed>/surveys/decisions.sqlite`` holds two tables:

- ``answers``: the current answer to every question of every stored submission, with its fingerprint (a hash
  of answer, evidence URL and evidence note) and who answered it. The survey store replaces these rows when a
  new version of a draft is stored (:meth:`DecisionStore.sync_answers`).
- ``events``: the audit trail, append-only (triggers refuse UPDATE and DELETE): every decision (``verified`` or
  ``needs_change``, by whom, when, with which comment, on which fingerprint) and every change of an answer.

Why SQLite: every write is one ``BEGIN IMMEDIATE`` transaction, so concurrent writers, threads or processes,
are serialised by SQLite's lock (waiting up to ``busy_timeout``) and none is lost; WAL lets readers read while
one writes; ``synchronous=FULL`` makes a committed decision survive a crash or power loss. The check that the
decision is about the answer as it is now (the fingerprint) and the four-eyes check run in the same transaction
as the insert, so no upload can slip in between. It is in the standard library, and the file is one file to
back up. (A JSON-lines log with ``flock`` would do the appends, but every reader would parse the whole log and
torn last lines after a crash would need repair.) SQLite needs a local file system: not a network share.

A decision applies to the answer as it was: the status of an answer is the latest decision made on its current
fingerprint; when the answer changes, earlier decisions no longer count and the answer is ``reopened``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rankings.errors import InputError
from rankings.survey.workbook import Submission, one_line, people, person_key

DB_NAME = "decisions.sqlite"
STATUSES = ("verified", "needs_change")
STATUS_LABELS = {
    "open": "open",
    "reopened": "reopened (answer changed)",
    "verified": "verified",
    "needs_change": "needs change",
}
MAX_PERSON = 100
MAX_COMMENT = 2000
BUSY_TIMEOUT_S = 30.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    submission_id TEXT NOT NULL,
    question_id   TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    answer        TEXT NOT NULL,
    answered_by   TEXT NOT NULL,
    file_sha256   TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (submission_id, question_id)
);
CREATE TABLE IF NOT EXISTS events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    submission_id TEXT NOT NULL,
    question_id   TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('decision', 'answer_added', 'answer_changed', 'answer_removed')),
    status        TEXT CHECK (status IS NULL OR status IN ('verified', 'needs_change')),
    person        TEXT NOT NULL DEFAULT '',
    comment       TEXT NOT NULL DEFAULT '',
    fingerprint   TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_by_answer ON events (submission_id, question_id, id);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""

EVENT_COLUMNS = [
    "id",
    "at",
    "submission_id",
    "question_id",
    "kind",
    "status",
    "person",
    "comment",
    "fingerprint",
    "detail",
]


class DecisionError(InputError):
    """A decision that cannot be recorded as given (the message says why)."""

    def __init__(self, problem: str) -> None:
        super().__init__(None, problem)


class StaleDecision(DecisionError):
    """The answer changed since the decision was prepared: the decision would be about an answer that is gone."""


class SelfVerification(DecisionError):
    """Four eyes: the person who answered cannot verify their own answer."""


@dataclass(frozen=True)
class Event:
    id: int
    at: str
    submission_id: str
    question_id: str
    kind: str
    status: str | None
    person: str
    comment: str
    fingerprint: str
    detail: str


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


_initialised: set[Path] = set()
_init_lock = threading.Lock()


class DecisionStore:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @classmethod
    def for_processed(cls, processed: Path | str) -> DecisionStore:
        from rankings.survey import store_dir

        return cls(store_dir(processed) / DB_NAME)

    # --- connections ---

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            con.execute("PRAGMA synchronous = FULL")
            self._initialise(con)
            yield con
        finally:
            con.close()

    def _initialise(self, con: sqlite3.Connection) -> None:
        key = self.path.resolve()
        with _init_lock:
            if key in _initialised and self.path.exists():
                return
            con.execute("PRAGMA journal_mode = WAL")
            try:
                # Idempotent statements in one transaction: concurrent first users all succeed.
                con.executescript("BEGIN IMMEDIATE;" + SCHEMA + "COMMIT;")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            _initialised.add(key)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken before reading what it checks (so the check and the write are atomic)."""
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def exists(self) -> bool:
        return self.path.exists()

    # --- answers, kept in step with the survey store ---

    def sync_answers(self, submission: Submission) -> list[str]:
        """Make ``answers`` hold the submission's current answers; log every change. Returns the changed ids."""
        sid = submission.submission_id
        prints = submission.fingerprints()
        wanted = {
            qid: (fp, " | ".join(a.answer for a in submission.answers_to(qid)), submission.answered_by(qid))
            for qid, fp in prints.items()
        }
        if self.exists():
            with self._connect() as con:
                have = dict(con.execute("SELECT question_id, fingerprint FROM answers WHERE submission_id = ?", [sid]))
            if have == {q: w[0] for q, w in wanted.items()}:
                return []
        changed: list[str] = []
        with self._write() as con:
            have_rows = {
                r[0]: (r[1], r[2])
                for r in con.execute(
                    "SELECT question_id, fingerprint, answered_by FROM answers WHERE submission_id = ?", [sid]
                )
            }
            now = _now()
            for qid, (fp, answer, by) in wanted.items():
                old = have_rows.get(qid)
                if old is not None and old == (fp, by):
                    continue
                con.execute(
                    "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (submission_id, question_id) DO "
                    "UPDATE SET fingerprint = excluded.fingerprint, answer = excluded.answer, "
                    "answered_by = excluded.answered_by, file_sha256 = excluded.file_sha256, "
                    "updated_at = excluded.updated_at",
                    [sid, qid, fp, answer, by, submission.sha256, now],
                )
                if old is None or old[0] != fp:
                    kind = "answer_added" if old is None else "answer_changed"
                    detail = f"{one_line(answer, 200) or '(no answer)'} [{submission.file}]"
                    con.execute(
                        "INSERT INTO events (at, submission_id, question_id, kind, person, fingerprint, detail) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [now, sid, qid, kind, by, fp, detail],
                    )
                    changed.append(qid)
            for qid, (fp, _by) in have_rows.items():
                if qid not in wanted:
                    con.execute("DELETE FROM answers WHERE submission_id = ? AND question_id = ?", [sid, qid])
                    con.execute(
                        "INSERT INTO events (at, submission_id, question_id, kind, fingerprint, detail) "
                        "VALUES (?, ?, ?, 'answer_removed', ?, ?)",
                        [now, sid, qid, fp, f"question no longer in the workbook [{submission.file}]"],
                    )
                    changed.append(qid)
        return changed

    def has_submission(self, submission_id: str) -> bool:
        if not self.exists():
            return False
        with self._connect() as con:
            found = con.execute("SELECT 1 FROM answers WHERE submission_id = ? LIMIT 1", [submission_id])
            return found.fetchone() is not None

    # --- decisions ---

    def record(
        self,
        submission_id: str,
        question_id: str,
        fingerprint: str,
        status: str,
        person: str,
        comment: str = "",
    ) -> Event:
        """Record a decision on the answer whose fingerprint the decider saw.

        Raises :class:`StaleDecision` when the answer has changed since (its fingerprint differs),
        :class:`SelfVerification` when the person who answered would verify their own answer, and
        :class:`DecisionError` for an unknown answer, a missing name, or a needs-change without a comment.
        """
        person = " ".join(str(person).split())
        comment = str(comment).strip()
        if status not in STATUSES:
            raise DecisionError(f"the decision must be one of {', '.join(STATUSES)}, not {status!r}")
        if not person:
            raise DecisionError("say who decides: the name of the person is required")
        if len(person) > MAX_PERSON or any(ord(c) < 32 for c in person):
            raise DecisionError(f"the name must be one line of at most {MAX_PERSON} characters")
        if len(comment) > MAX_COMMENT:
            raise DecisionError(f"the comment has {len(comment)} characters; at most {MAX_COMMENT} are kept")
        if status == "needs_change" and not comment:
            raise DecisionError("say what needs to change: a comment is required with 'needs change'")
        with self._write() as con:
            row = con.execute(
                "SELECT fingerprint, answered_by, answer FROM answers WHERE submission_id = ? AND question_id = ?",
                [submission_id, question_id],
            ).fetchone()
            if row is None:
                raise DecisionError(f"{question_id} is not a question of the stored submission {submission_id}")
            current, answered_by, answer = row
            if current != fingerprint:
                raise StaleDecision(
                    f"the answer to {question_id} changed after this decision was prepared (it is now "
                    f"{one_line(answer, 60) or 'empty'!r}); the decision was not recorded. Reload, look at the "
                    "current answer and decide again"
                )
            if status == "verified" and person_key(person) in people(answered_by):
                raise SelfVerification(
                    f"{person} answered {question_id} and cannot verify their own answer (four eyes): "
                    "another coordinator verifies it"
                )
            at = _now()
            cur = con.execute(
                "INSERT INTO events (at, submission_id, question_id, kind, status, person, comment, fingerprint) "
                "VALUES (?, ?, ?, 'decision', ?, ?, ?, ?)",
                [at, submission_id, question_id, status, person, comment, fingerprint],
            )
            event_id = int(cur.lastrowid or 0)
        return Event(event_id, at, submission_id, question_id, "decision", status, person, comment, fingerprint, "")

    # --- reading ---

    def _read(self, sql: str, params: list[object]) -> pd.DataFrame:
        if not self.exists():
            return pd.DataFrame(columns=EVENT_COLUMNS)
        with self._connect() as con:
            cur = con.execute(sql, params)
            cols = [d[0] for d in cur.description]
            return pd.DataFrame(cur.fetchall(), columns=cols)

    def trail(self, submission_id: str | None = None, question_id: str | None = None) -> pd.DataFrame:
        """The audit trail, oldest first (all submissions, one submission, or one answer)."""
        where, params = [], []
        if submission_id is not None:
            where.append("submission_id = ?")
            params.append(submission_id)
        if question_id is not None:
            where.append("question_id = ?")
            params.append(question_id)
        sql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self._read(sql + " ORDER BY id", params)

    def status(self, submission_id: str) -> pd.DataFrame:
        """Per question of the submission: its current fingerprint and decision status (``open``, ``reopened``,
        ``verified``, ``needs_change``), with who decided, when and the comment of the decision in force."""
        columns = ["question_id", "fingerprint", "answered_by", "status", "decided_by", "decided_at", "comment"]
        if not self.exists():
            return pd.DataFrame(columns=columns)
        return self._read(
            """
            WITH latest AS (
                SELECT e.question_id, e.status, e.person, e.at, e.comment,
                       row_number() OVER (PARTITION BY e.question_id ORDER BY e.id DESC) AS n
                FROM events e JOIN answers a USING (submission_id, question_id)
                WHERE e.submission_id = ? AND e.kind = 'decision' AND e.fingerprint = a.fingerprint
            ),
            earlier AS (
                SELECT DISTINCT question_id FROM events WHERE submission_id = ? AND kind = 'decision'
            )
            SELECT a.question_id, a.fingerprint, a.answered_by,
                   CASE WHEN l.status IS NOT NULL THEN l.status
                        WHEN e.question_id IS NOT NULL THEN 'reopened' ELSE 'open' END AS status,
                   coalesce(l.person, '') AS decided_by, coalesce(l.at, '') AS decided_at,
                   coalesce(l.comment, '') AS comment
            FROM answers a
            LEFT JOIN latest l ON l.question_id = a.question_id AND l.n = 1
            LEFT JOIN earlier e ON e.question_id = a.question_id
            WHERE a.submission_id = ?
            ORDER BY a.question_id
            """,
            [submission_id, submission_id, submission_id],
        )[columns]

    def stamp(self) -> tuple[int, ...]:
        """Changes with every committed write (database file and its write-ahead log)."""
        out: list[int] = []
        for suffix in ("", "-wal"):
            try:
                st = Path(str(self.path) + suffix).stat()
                out += [st.st_mtime_ns, st.st_size]
            except FileNotFoundError:
                out += [0, 0]
        return tuple(out)

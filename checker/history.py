"""Your practice history, in SQLite under the user's data directory.

Stores attempts (every `prkit check` of a kit exercise), review starts (for the timer)
and hints taken. PRKIT_DATA_DIR overrides the location. Each use is one short IMMEDIATE
transaction in WAL mode with a busy timeout, so concurrent runs queue instead of losing
or corrupting records; a database held too long is reported as busy, a damaged file as
damaged, and neither is ever overwritten.
"""

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from checker.errors import UsageError

if TYPE_CHECKING:
    from checker.grading import Grade

SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    exercise TEXT NOT NULL,
    checked_at REAL NOT NULL,
    review TEXT,
    recall REAL NOT NULL,
    weighted_recall REAL NOT NULL,
    precision REAL NOT NULL,
    f1 REAL NOT NULL,
    statuses TEXT NOT NULL,
    seconds_taken REAL,
    hints TEXT NOT NULL DEFAULT '[]',
    review_hash TEXT
);
CREATE INDEX IF NOT EXISTS attempts_exercise ON attempts (exercise);
CREATE TABLE IF NOT EXISTS starts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    exercise TEXT NOT NULL,
    started_at REAL NOT NULL,
    directory TEXT NOT NULL,
    timed INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS hints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    exercise TEXT NOT NULL,
    level INTEGER NOT NULL,
    issue TEXT,
    taken_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Attempt:
    exercise: str
    checked_at: float
    weighted_recall: float
    f1: float
    statuses: dict[str, dict[str, str]]  # issue id -> {"status", "category", "severity"}
    seconds_taken: float | None


@dataclass(frozen=True)
class Best:
    exercise: str
    weighted_recall: float
    f1: float
    attempts: int


@dataclass(frozen=True)
class Hint:
    level: int
    issue: str | None
    taken_at: float


def database_path() -> Path:
    override = os.environ.get("PRKIT_DATA_DIR")
    folder = Path(override) if override else Path(platformdirs.user_data_dir("prkit"))
    return folder / "history.sqlite3"


BUSY_SECONDS = 30  # how long a run waits for another one holding the database


@contextmanager
def _database() -> Iterator[sqlite3.Connection]:
    """One connection, one IMMEDIATE transaction: writers queue instead of failing.

    A deferred transaction that reads and then writes cannot wait for the lock (SQLite
    reports "database is locked" at once), so every transaction takes the write lock up
    front and waits up to BUSY_SECONDS for it.
    """
    path = database_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    except OSError as exc:
        raise UsageError(f"{path}: cannot open the progress database ({exc.strerror})") from None
    except sqlite3.Error as exc:
        raise UsageError(f"{path}: cannot open the progress database ({exc})") from None
    try:
        _prepare(connection)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if _is_busy(exc):
            raise UsageError(
                f"{path}: the progress database is busy (another prkit is using it); try again"
            ) from None
        raise _damaged(path, exc) from None
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, exc) from None
    finally:
        connection.close()


def _prepare(connection: sqlite3.Connection) -> None:
    """WAL mode and the tables, created once; switching to WAL is retried while busy."""
    deadline = time.monotonic() + BUSY_SECONDS
    while connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            connection.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    connection.execute("BEGIN IMMEDIATE")
    try:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                connection.execute(statement)
        columns = {row[1] for row in connection.execute("PRAGMA table_info(attempts)")}
        if "review_hash" not in columns:  # a database from before re-checks were merged
            connection.execute("ALTER TABLE attempts ADD COLUMN review_hash TEXT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _damaged(path: Path, exc: sqlite3.Error) -> UsageError:
    return UsageError(
        f"{path}: the progress database is damaged ({exc}); move it away to start afresh"
    )


def record_attempt(
    grade: "Grade", seconds_taken: float | None, hints: list[Hint], review_hash: str | None = None
) -> bool:
    """Store one attempt at a kit exercise; False when it is not recorded.

    Checks against key files are not recorded, nor a re-check of the review the latest
    attempt graded (same content): viewing a report in another format is not a new try.
    """
    if grade.exercise is None:
        return False
    statuses = {
        r.issue.id: {
            "status": r.status,
            "category": r.issue.category or "other",
            "severity": r.issue.severity,
        }
        for r in grade.issues
    }
    score = grade.score
    with _database() as db:
        latest = db.execute(
            "SELECT review_hash FROM attempts WHERE exercise = ? ORDER BY checked_at DESC,"
            " id DESC LIMIT 1",
            (grade.exercise,),
        ).fetchone()
        if review_hash is not None and latest is not None and latest[0] == review_hash:
            return False
        db.execute(
            "INSERT INTO attempts (exercise, checked_at, review, recall, weighted_recall,"
            " precision, f1, statuses, seconds_taken, hints, review_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                grade.exercise,
                time.time(),
                str(grade.review) if grade.review else None,
                score.recall,
                score.weighted_recall,
                score.precision,
                score.f1,
                json.dumps(statuses),
                seconds_taken,
                json.dumps([[h.level, h.issue] for h in hints]),
                review_hash,
            ),
        )
    return True


def attempts(exercise: str | None = None) -> list[Attempt]:
    """Attempts, oldest first (of one exercise, or of all)."""
    query = (
        "SELECT exercise, checked_at, weighted_recall, f1, statuses, seconds_taken FROM attempts"
    )
    args: tuple[str, ...] = ()
    if exercise is not None:
        query += " WHERE exercise = ?"
        args = (exercise,)
    with _database() as db:
        rows = db.execute(query + " ORDER BY checked_at, id", args).fetchall()
    return [
        Attempt(str(r[0]), float(r[1]), float(r[2]), float(r[3]), json.loads(r[4]), r[5])
        for r in rows
    ]


def best_scores() -> dict[str, Best]:
    """Best severity-weighted recall (with the best F1 among those) per exercise."""
    best: dict[str, Best] = {}
    for attempt in attempts():
        current = best.get(attempt.exercise)
        count = current.attempts + 1 if current else 1
        if current is None or (attempt.weighted_recall, attempt.f1) > (
            current.weighted_recall,
            current.f1,
        ):
            best[attempt.exercise] = Best(
                attempt.exercise, attempt.weighted_recall, attempt.f1, count
            )
        else:
            best[attempt.exercise] = Best(
                current.exercise, current.weighted_recall, current.f1, count
            )
    return best


def record_start(exercise: str, directory: Path, *, timed: bool) -> float:
    """Remember that a review of EXERCISE started now; returns the time."""
    now = time.time()
    with _database() as db:
        db.execute(
            "INSERT INTO starts (exercise, started_at, directory, timed) VALUES (?, ?, ?, ?)",
            (exercise, now, str(directory.resolve()), int(timed)),
        )
    return now


def last_start(exercise: str) -> tuple[float, bool] | None:
    """(started_at, timed) of the latest `prkit start` of EXERCISE, if any."""
    with _database() as db:
        row = db.execute(
            "SELECT started_at, timed FROM starts WHERE exercise = ? ORDER BY started_at DESC,"
            " id DESC LIMIT 1",
            (exercise,),
        ).fetchone()
    return (float(row[0]), bool(row[1])) if row else None


def record_hint(exercise: str, level: int, issue: str | None) -> None:
    with _database() as db:
        db.execute(
            "INSERT INTO hints (exercise, level, issue, taken_at) VALUES (?, ?, ?, ?)",
            (exercise, level, issue, time.time()),
        )


def hints_taken(exercise: str) -> list[Hint]:
    """Hints taken for EXERCISE since its latest `prkit start` (all, if never started)."""
    started = last_start(exercise)
    since = started[0] if started else 0.0
    with _database() as db:
        rows = db.execute(
            "SELECT level, issue, taken_at FROM hints WHERE exercise = ? AND taken_at >= ?"
            " ORDER BY taken_at, id",
            (exercise, since),
        ).fetchall()
    return [Hint(int(r[0]), r[1], float(r[2])) for r in rows]

"""Attempts recorded by `prkit check`, in SQLite under the user's data directory.

PRKIT_DATA_DIR overrides the location (tests use it). Each write is one short
transaction, so concurrent checks neither lose nor corrupt records.
"""

import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from checker.errors import UsageError
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
    statuses TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_exercise ON attempts (exercise);
"""


@dataclass(frozen=True)
class Best:
    exercise: str
    weighted_recall: float
    f1: float
    attempts: int


def data_dir() -> Path:
    override = os.environ.get("PRKIT_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("prkit"))


def _connect() -> sqlite3.Connection:
    folder = data_dir()
    path = folder / "history.sqlite3"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(SCHEMA)
    except sqlite3.DatabaseError as exc:
        raise UsageError(f"{path}: cannot use the progress database ({exc})") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot create the progress database ({exc.strerror})") from None
    return connection


def record(grade: Grade) -> None:
    """Store one attempt at a kit exercise (checks against key files are not recorded)."""
    if grade.exercise is None:
        return
    statuses = json.dumps({r.issue.id: r.status for r in grade.issues})
    score = grade.score
    connection = _connect()
    try:
        with connection:
            connection.execute(
                "INSERT INTO attempts (exercise, checked_at, review, recall, weighted_recall,"
                " precision, f1, statuses) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    grade.exercise,
                    time.time(),
                    str(grade.review) if grade.review else None,
                    score.recall,
                    score.weighted_recall,
                    score.precision,
                    score.f1,
                    statuses,
                ),
            )
    except sqlite3.DatabaseError as exc:
        raise UsageError(f"cannot record the attempt in the progress database ({exc})") from None
    finally:
        connection.close()


def best_scores() -> dict[str, Best]:
    """Best severity-weighted recall (and its F1) per exercise."""
    connection = _connect()
    try:
        rows = connection.execute(
            "SELECT exercise, MAX(weighted_recall), COUNT(*) FROM attempts GROUP BY exercise"
        ).fetchall()
        best: dict[str, Best] = {}
        for exercise, top, count in rows:
            f1 = connection.execute(
                "SELECT MAX(f1) FROM attempts WHERE exercise = ? AND weighted_recall = ?",
                (exercise, top),
            ).fetchone()[0]
            best[exercise] = Best(exercise, float(top), float(f1), int(count))
        return best
    except sqlite3.DatabaseError as exc:
        raise UsageError(f"cannot read the progress database ({exc})") from None
    finally:
        connection.close()

"""The practice experience: hints, timer, history, stats, solution and lint (issue 7)."""

import json
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from checker import history
from checker.errors import UsageError
from checker.history import database_path

Run = Callable[..., tuple[int, str, str]]  # the `prkit` fixture of conftest.py

ROOT = Path(__file__).parent.parent
EMPTY = ROOT / "solutions" / "batching" / "reviews" / "empty.md"
MEDIOCRE = ROOT / "solutions" / "batching" / "reviews" / "mediocre.md"


def check_json(prkit: Run, review: Path) -> dict:  # type: ignore[type-arg]
    code, out, err = prkit("check", "batching", str(review), "-f", "json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_hint_levels_are_progressive(prkit: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    _, level1, _ = prkit("hint", "batching")
    assert "17 issues hide in this pull request" in level1
    assert "helpdesk/backlog.py:" in level1 and "async" in level1
    _, level2, _ = prkit("hint", "batching", "--level", "2")
    assert "helpdesk/backlog.py:55-56  (blocker)" in level2
    _, first, _ = prkit("hint", "batching", "--level", "3")
    _, second, _ = prkit("hint", "batching", "--level", "3")
    assert "A blocker" in first and "hint 1 of" in first
    assert first != second and "A blocker" in second and "hint 1 of" in second


def test_hints_taken_are_shown_in_the_report(prkit: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    prkit("hint", "batching", "-l", "1")
    prkit("hint", "batching", "-l", "3")
    report = check_json(prkit, EMPTY)
    hints = report["practice"]["hints"]
    assert [h["level"] for h in hints] == [1, 3]
    assert hints[1]["issue"] == "semaphore-per-call"
    _, text, _ = prkit("check", "batching", str(EMPTY))
    assert "hints taken: 2" in text


def test_hint_level_out_of_range_is_a_usage_error(
    prkit: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = prkit("hint", "batching", "--level", "4")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("prkit: error:")


def test_timed_start_reports_time_against_the_budget(
    prkit: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    prkit("start", "batching", str(tmp_path / "timed"), "--timer")
    report = check_json(prkit, tmp_path / "timed" / "REVIEW.md")
    assert report["practice"]["seconds_taken"] is not None
    assert 0 <= report["practice"]["seconds_taken"] < 60
    assert report["practice"]["suggested_minutes"] == 45
    _, text, _ = prkit("check", "batching", str(tmp_path / "timed" / "REVIEW.md"))
    assert "of the suggested 45 (within budget)" in text


def test_untimed_start_reports_no_time(
    prkit: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    prkit("start", "batching", str(tmp_path / "plain"))
    report = check_json(prkit, tmp_path / "plain" / "REVIEW.md")
    assert report["practice"]["seconds_taken"] is None


def test_stats_show_attempts_and_missed_categories(
    prkit: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, out, _ = prkit("stats")
    assert code == 0 and "No attempts yet" in out
    first = tmp_path / "first.md"
    first.write_text(MEDIOCRE.read_text(encoding="utf-8"), encoding="utf-8")
    check_json(prkit, first)
    first.write_text(first.read_text(encoding="utf-8") + "\n- One more remark.\n", "utf-8")
    check_json(prkit, first)
    _, out, _ = prkit("stats")
    assert "Attempts" in out and out.count("batching") >= 3
    assert "Most often missed categories" in out
    assert "async" in out and "api-usage" in out  # what the mediocre review misses


def test_damaged_database_is_reported_and_left_alone(
    prkit: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database" * 64)
    for args in (("list",), ("stats",), ("check", "batching", str(EMPTY))):
        code, _, err = prkit(*args)
        assert code == 2, args
        assert "damaged" in err and err.count("\n") == 1
    assert path.read_bytes() == b"this is not a database" * 64
    code, _, _ = prkit("check", "batching", str(EMPTY), "--no-save")
    assert code == 0


def test_concurrent_writers_lose_no_records() -> None:
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from checker import history
        for n in range(40):
            history.record_hint("batching", 1, f"{sys.argv[1]}-{n}")
            history.record_start("batching", Path("."), timed=False)
        """
    )
    writers = [subprocess.Popen([sys.executable, "-c", script, str(w)]) for w in range(4)]
    assert all(p.wait(timeout=120) == 0 for p in writers)
    with sqlite3.connect(database_path()) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM hints").fetchone()[0] == 160
        assert db.execute("SELECT COUNT(DISTINCT issue) FROM hints").fetchone()[0] == 160
        assert db.execute("SELECT COUNT(*) FROM starts").fetchone()[0] == 160


def test_a_database_held_by_another_run_is_reported_busy_not_damaged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history.record_hint("batching", 1, None)  # create the database
    monkeypatch.setattr(history, "BUSY_SECONDS", 0.2)
    holder = sqlite3.connect(database_path(), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(UsageError, match="busy") as caught:
            history.record_hint("batching", 1, None)
        assert "damaged" not in str(caught.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    history.record_hint("batching", 1, None)
    assert len(history.hints_taken("batching")) == 2


def test_solution_ties_hunks_to_issues(prkit: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = prkit("solution", "batching")
    assert code == 0
    assert "helpdesk/backlog.py" in out and "fixes:" in out
    for issue in ("semaphore-per-call", "blocking-sleep", "api-key-in-report"):
        assert issue in out


def test_lint_maps_diagnostics_to_issues(prkit: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = prkit("lint", "batching")
    assert code == 0
    assert "ASYNC251" in out
    caught = next(line for line in out.splitlines() if line.startswith("caught by a tool"))
    assert "blocking-sleep" in caught and "logging-fstring" in caught
    reviewer = next(line for line in out.splitlines() if line.startswith("only a reviewer"))
    assert "semaphore-per-call" in reviewer


def test_a_recheck_of_the_same_review_is_not_a_new_try(prkit: Run) -> None:
    for output in ("text", "markdown", "json"):
        prkit("check", "batching", str(MEDIOCRE), "--format", output)
    _, out, _ = prkit("stats", "batching")
    assert out.count("batching") == 2  # one attempt row, one progress line


def test_an_empty_review_warns_and_is_not_recorded(prkit: Run) -> None:
    code, out, _ = prkit("check", "batching", str(EMPTY))
    assert code == 0
    assert "the review has no findings" in out
    _, out, _ = prkit("stats")
    assert "No attempts yet" in out

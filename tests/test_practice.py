"""The practice experience: hints, timer, history, stats, solution and lint (issue 7)."""

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from checker.cli import main
from checker.history import database_path

ROOT = Path(__file__).parent.parent
EMPTY = ROOT / "solutions" / "batching" / "reviews" / "empty.md"


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["prkit", *args])
    code = 0
    try:
        main()
    except SystemExit as exited:
        code = exited.code if isinstance(exited.code, int) else 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, review: Path
) -> dict:  # type: ignore[type-arg]
    code, out, err = run(capsys, monkeypatch, "check", "batching", str(review), "-f", "json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_hint_levels_are_progressive(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, level1, _ = run(capsys, monkeypatch, "hint", "batching")
    assert "17 issues hide in this pull request" in level1
    assert "helpdesk/backlog.py:" in level1 and "async" in level1
    _, level2, _ = run(capsys, monkeypatch, "hint", "batching", "--level", "2")
    assert "helpdesk/backlog.py:55-56  (blocker)" in level2
    _, first, _ = run(capsys, monkeypatch, "hint", "batching", "--level", "3")
    _, second, _ = run(capsys, monkeypatch, "hint", "batching", "--level", "3")
    assert "A blocker" in first and "hint 1 of" in first
    assert first != second and "A blocker" in second and "hint 1 of" in second


def test_hints_taken_are_shown_in_the_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, monkeypatch, "hint", "batching", "-l", "1")
    run(capsys, monkeypatch, "hint", "batching", "-l", "3")
    report = check_json(capsys, monkeypatch, EMPTY)
    hints = report["practice"]["hints"]
    assert [h["level"] for h in hints] == [1, 3]
    assert hints[1]["issue"] == "semaphore-per-call"
    _, text, _ = run(capsys, monkeypatch, "check", "batching", str(EMPTY))
    assert "hints taken: 2" in text


def test_hint_level_out_of_range_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, monkeypatch, "hint", "batching", "--level", "4")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("prkit: error:")


def test_timed_start_reports_time_against_the_budget(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run(capsys, monkeypatch, "start", "batching", str(tmp_path / "timed"), "--timer")
    report = check_json(capsys, monkeypatch, tmp_path / "timed" / "REVIEW.md")
    assert report["practice"]["seconds_taken"] is not None
    assert 0 <= report["practice"]["seconds_taken"] < 60
    assert report["practice"]["suggested_minutes"] == 45
    _, text, _ = run(
        capsys, monkeypatch, "check", "batching", str(tmp_path / "timed" / "REVIEW.md")
    )
    assert "of the suggested 45 (within budget)" in text


def test_untimed_start_reports_no_time(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run(capsys, monkeypatch, "start", "batching", str(tmp_path / "plain"))
    report = check_json(capsys, monkeypatch, tmp_path / "plain" / "REVIEW.md")
    assert report["practice"]["seconds_taken"] is None


def test_stats_show_attempts_and_missed_categories(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, monkeypatch, "stats")
    assert code == 0 and "No attempts yet" in out
    check_json(capsys, monkeypatch, EMPTY)
    check_json(capsys, monkeypatch, EMPTY)
    _, out, _ = run(capsys, monkeypatch, "stats")
    assert "Attempts" in out and out.count("batching") >= 3
    assert "Most often missed categories" in out
    assert "async" in out and "security" in out


def test_damaged_database_is_reported_and_left_alone(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database" * 64)
    for args in (("list",), ("stats",), ("check", "batching", str(EMPTY))):
        code, _, err = run(capsys, monkeypatch, *args)
        assert code == 2, args
        assert "damaged" in err and err.count("\n") == 1
    assert path.read_bytes() == b"this is not a database" * 64
    code, _, _ = run(capsys, monkeypatch, "check", "batching", str(EMPTY), "--no-save")
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


def test_solution_ties_hunks_to_issues(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, monkeypatch, "solution", "batching")
    assert code == 0
    assert "helpdesk/backlog.py" in out and "fixes:" in out
    for issue in ("semaphore-per-call", "blocking-sleep", "api-key-in-report"):
        assert issue in out


def test_lint_maps_diagnostics_to_issues(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run(capsys, monkeypatch, "lint", "batching")
    assert code == 0
    assert "ASYNC251" in out
    caught = next(line for line in out.splitlines() if line.startswith("caught by a tool"))
    assert "blocking-sleep" in caught and "logging-fstring" in caught
    reviewer = next(line for line in out.splitlines() if line.startswith("only a reviewer"))
    assert "semaphore-per-call" in reviewer

"""Bad input: one clear line on stderr and exit code 2, never a traceback."""

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., tuple[int, str, str]]  # the `prkit` fixture of conftest.py


MEDIOCRE = Path(__file__).parent.parent / "solutions" / "batching" / "reviews" / "mediocre.md"


def one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("prkit: error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("check", "no-such-exercise", "x.md"), "unknown exercise 'no-such-exercise'"),
        (("show", "nope"), "unknown exercise 'nope'"),
        (("proofs", "nope"), "unknown exercise 'nope'"),
        (("hint", "nope"), "unknown exercise 'nope'"),
        (("solution", "nope"), "unknown exercise 'nope'"),
        (("lint", "nope"), "unknown exercise 'nope'"),
        (("stats", "nope"), "unknown exercise 'nope'"),
        (("start", "nope", "somewhere"), "unknown exercise 'nope'"),
        (("proofs", "batching", "--issue", "no-such-issue"), "batching has no issue"),
        (("check", "batching"), "Missing argument"),
        (("check", "batching", "x.md", "--format", "xml"), "'xml' is not one of"),
        (("frobnicate",), "No such command"),
    ],
)
def test_usage_errors(
    prkit: Run,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    expected: str,
) -> None:
    code, _, err = prkit(*args)
    assert code == 2
    assert expected in one_line_error(err)


def test_missing_review_file(prkit: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, _, err = prkit("check", "batching", str(tmp_path / "absent.md"))
    assert code == 2
    assert "absent.md" in one_line_error(err)


def test_review_that_is_a_directory(
    prkit: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, _, err = prkit("check", "batching", str(tmp_path))
    assert code == 2
    assert "director" in one_line_error(err)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("binary.md", b"\x00\x01\x02PNG\x00"),
        ("latin1.md", "caf\xe9 is blocking".encode("latin-1")),
        ("broken.json", b'{"findings": [ {"body": "x"} '),
        ("broken.yaml", b"findings:\n  - body: [unclosed\n"),
    ],
)
def test_unreadable_reviews(
    prkit: Run,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    name: str,
    content: bytes,
) -> None:
    review = tmp_path / name
    review.write_bytes(content)
    code, _, err = prkit("check", "batching", str(review))
    assert code == 2
    assert name in one_line_error(err)


def test_empty_review_is_valid_and_misses_everything(
    prkit: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    review = tmp_path / "REVIEW.md"
    review.write_text("", encoding="utf-8")
    code, out, _ = prkit("check", "batching", str(review), "--format", "json")
    assert code == 0
    assert '"status": "caught"' not in out
    assert '"recall": 0.0' in out


def test_line_beyond_the_file_is_a_warning_not_an_error(
    prkit: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    review = tmp_path / "REVIEW.md"
    review.write_text("- helpdesk/backlog.py:9999: this line does not exist\n", encoding="utf-8")
    code, out, _ = prkit("check", "batching", str(review), "--format", "json")
    assert code == 0
    assert "not 9999; graded by its text" in out


def test_start_refuses_a_non_empty_directory_and_leaves_it_alone(
    prkit: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    mine = tmp_path / "notes.txt"
    mine.write_text("my work", encoding="utf-8")
    code, _, err = prkit("start", "batching", str(tmp_path))
    assert code == 2
    assert "not empty" in one_line_error(err)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    assert mine.read_text(encoding="utf-8") == "my work"


def test_console_script_reports_errors_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "checker", "check", "batching", str(tmp_path / "missing.md")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr

"""The command line's happy paths: list, start, show, check (all formats), validate."""

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., tuple[int, str, str]]  # the `prkit` fixture of conftest.py


ROOT = Path(__file__).parent.parent
REVIEWS = ROOT / "solutions" / "batching" / "reviews"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


def test_start_creates_a_review_repository(
    prkit: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    dest = tmp_path / "review"
    code, out, _ = prkit("start", "batching", str(dest))
    assert code == 0
    assert "git diff main...pr/batching" in out
    assert set(git(dest, "branch", "--format=%(refname:short)").split()) == {"main", "pr/batching"}
    assert git(dest, "rev-parse", "--abbrev-ref", "HEAD").strip() == "pr/batching"
    changed = git(dest, "diff", "--name-only", "main...pr/batching").split()
    assert "helpdesk/backlog.py" in changed
    assert (dest / "REVIEW.md").read_text(encoding="utf-8").startswith("# Review:")
    assert (dest / "PR.md").is_file()
    assert git(dest, "status", "--porcelain").strip() == ""  # REVIEW.md etc. are excluded


def test_start_into_an_empty_existing_directory_works(
    prkit: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, _, _ = prkit("start", "batching", str(tmp_path))
    assert code == 0
    assert (tmp_path / ".git").is_dir()


def test_template_review_grades_as_empty(
    prkit: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    prkit("start", "batching", str(tmp_path / "r"))
    code, out, _ = prkit("check", "batching", str(tmp_path / "r" / "REVIEW.md"), "-f", "json")
    assert code == 0
    report = json.loads(out)
    assert report["findings"] == []
    assert {i["status"] for i in report["issues"]} == {"missed"}


def test_json_report_follows_the_contract(prkit: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = prkit("check", "batching", str(REVIEWS / "mediocre.md"), "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["exercise"] == "batching"
    assert set(report["score"]) == {"recall", "weighted_recall", "precision", "f1"}
    for issue in report["issues"]:
        assert {"id", "severity", "status", "findings"} <= set(issue)
        assert issue["status"] in ("caught", "partial", "missed")
        assert all(isinstance(n, int) for n in issue["findings"])
    for n, finding in enumerate(report["findings"]):
        assert finding["index"] == n
        assert finding["status"] in ("matched", "decoy", "unmatched")
        assert {"issues"} <= set(finding)


def test_jsonl_grades_several_reviews_one_line_each(
    prkit: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    reviews = [str(REVIEWS / name) for name in ("strong.md", "mediocre.md", "empty.md")]
    code, out, _ = prkit("check", "batching", *reviews, "--format", "jsonl")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["review"] for line in lines] == reviews
    assert lines[0]["score"]["weighted_recall"] > lines[1]["score"]["weighted_recall"]
    assert lines[2]["score"]["recall"] == 0.0


def test_key_file_target_has_null_exercise(
    prkit: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key = tmp_path / "issues.toml"
    key.write_text(
        '[[issue]]\nid = "no-timeout"\nseverity = "major"\n'
        'description = "The API calls have no timeout"\n',
        encoding="utf-8",
    )
    review = tmp_path / "review.md"
    review.write_text("- No timeout is set on the API calls, so one can hang.\n", encoding="utf-8")
    code, out, _ = prkit("check", str(key), str(review), "-f", "json")
    assert code == 0
    report = json.loads(out)
    assert report["exercise"] is None
    assert report["issues"][0]["status"] == "caught"


def test_text_report_leads_with_missed_issues_and_their_fix(
    prkit: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = prkit("check", "batching", str(REVIEWS / "empty.md"))
    assert code == 0
    assert out.index("Missed") < out.index("Caught")
    assert "why:" in out and "fix:" in out
    assert "prkit proofs batching --issue" in out
    assert "helpdesk/backlog.py" in out


def test_markdown_report(prkit: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = prkit("check", "batching", str(REVIEWS / "mediocre.md"), "-f", "markdown")
    assert code == 0
    assert out.startswith("# prkit check: batching")
    assert "## Missed" in out and "| recall |" in out


def test_list_shows_exercises_and_best_score_after_a_check(
    prkit: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = prkit("list")
    assert code == 0
    assert "batching" in out and "not tried" in out
    prkit("check", "batching", str(REVIEWS / "strong.md"), "-f", "json")
    _, out, _ = prkit("list")
    assert "(1 try)" in out


def test_no_save_does_not_record(prkit: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    prkit("check", "batching", str(REVIEWS / "strong.md"), "--no-save")
    _, out, _ = prkit("list")
    assert "not tried" in out


def test_show_prints_description_and_diff(prkit: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = prkit("show", "batching")
    assert code == 0
    assert "+++ b/helpdesk/backlog.py" in out


def test_validate_passes_on_the_kit(prkit: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = prkit("validate")
    assert code == 0, err
    assert "✓ batching" in out


def test_validate_reports_a_wrong_anchor(
    prkit: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shutil

    home = tmp_path / "kit"
    shutil.copytree(ROOT / "exercises", home / "exercises")
    shutil.copytree(ROOT / "solutions", home / "solutions")
    key = home / "solutions" / "batching" / "issues.toml"
    text = key.read_text(encoding="utf-8")
    key.write_text(text.replace('anchor = "', 'anchor = "no such code ', 1), encoding="utf-8")
    monkeypatch.setenv("PRKIT_HOME", str(home))
    code, _, err = prkit("validate", "batching")
    assert code == 2
    assert "anchor 'no such code" in err

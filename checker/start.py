"""`prkit start`: a git repository to review the PR in, with your own tools."""

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from checker.errors import UsageError
from checker.exercise import Exercise
from checker.trees import Variant, materialize

REVIEW_TEMPLATE = """\
# Review: {title}

<!--
Write one finding per bullet or per heading. Start it with the place it is about, then say
what is wrong, why it matters and what to do instead. Examples:

- helpdesk/example.py:42-48: issue (blocking): every request starts at once ... use a Semaphore
- helpdesk/example.py:88: nitpick: `getSummary` should be snake_case like the rest

Severity words (blocker, major, minor, nit) or Conventional Comments labels
(issue (blocking):, suggestion:, nitpick:, praise:, question:) say how serious a finding is.
Text without a location is a finding too. These comments are ignored by the checker.

Then run:  prkit check {slug} REVIEW.md
-->

"""

MARKER = ".prkit.json"


def _git(repo: Path, *args: str, author: str | None = None) -> None:
    identity = author or "prkit <prkit@localhost>"
    name, _, email = identity.partition(" <")
    command = [
        "git",
        "-c",
        f"user.name={name}",
        "-c",
        f"user.email={email.rstrip('>') or 'prkit@localhost'}",
        "-c",
        "commit.gpgsign=false",
        "-c",
        "init.defaultBranch=main",
        *args,
    ]
    try:
        subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise UsageError("git is not installed; prkit start needs it") from None
    except subprocess.CalledProcessError as exc:
        message = (exc.stderr or exc.stdout or "").strip().splitlines()
        raise UsageError(f"git {args[0]} failed: {message[-1] if message else exc}") from None


def _replace_tree(repo: Path, source: Path) -> None:
    for child in repo.iterdir():
        if child.name == ".git":
            continue
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
    shutil.copytree(source, repo, dirs_exist_ok=True)


def _pr_title(exercise: Exercise) -> tuple[str, str]:
    text = exercise.pr_description.read_text(encoding="utf-8").strip()
    first, _, rest = text.partition("\n")
    return first.lstrip("# ").strip() or exercise.title, rest.strip()


def _check_destination(dest: Path) -> None:
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"{dest}: exists and is not a directory")
    if dest.is_dir() and any(dest.iterdir()):
        raise UsageError(f"{dest}: directory is not empty; prkit start never overwrites files")


def timer_start(folder: Path, slug: str) -> float | None:
    """When the timed review of SLUG in FOLDER (or a parent) started, if it was timed."""
    for candidate in (folder.resolve(), *folder.resolve().parents):
        marker = candidate / MARKER
        if marker.is_file():
            try:
                data = json.loads(marker.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            if data.get("exercise") == slug and data.get("timed"):
                return float(data["started_at"])
            return None
    return None


def start(exercise: Exercise, dest: Path, *, timed: bool = False) -> Path:
    """Create DEST: main holds the base code, branch pr/SLUG the PR, plus REVIEW.md."""
    _check_destination(dest)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="prkit-start-") as scratch:
        base = materialize(exercise, Variant.BASE, Path(scratch) / "base")
        pr = materialize(exercise, Variant.PR, Path(scratch) / "pr")
        _git(dest, "init", "-q")
        _replace_tree(dest, base)
        _git(dest, "add", "-A")
        _git(dest, "commit", "-q", "-m", "The product before the pull request")
        _git(dest, "checkout", "-q", "-b", f"pr/{exercise.slug}")
        _replace_tree(dest, pr)
        _git(dest, "add", "-A")
        title, body = _pr_title(exercise)
        _git(dest, "commit", "-q", "-m", title, "-m", body, author=exercise.author)
    (dest / "PR.md").write_text(exercise.pr_description.read_text("utf-8"), encoding="utf-8")
    (dest / "REVIEW.md").write_text(
        REVIEW_TEMPLATE.format(title=exercise.title, slug=exercise.slug), encoding="utf-8"
    )
    marker = {"exercise": exercise.slug, "started_at": time.time(), "timed": timed}
    (dest / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
    exclude = dest / ".git" / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    with exclude.open("a", encoding="utf-8") as handle:
        handle.write(f"PR.md\nREVIEW.md\n{MARKER}\n")
    return dest

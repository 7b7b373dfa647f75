"""The `prkit` command line (DESIGN.md §8), built with click."""

import hashlib
import os
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from checker import history
from checker.errors import UsageError
from checker.exercise import Exercise, all_exercises, find_exercise
from checker.key import AnswerKey, load_key
from checker.paths import exercises_dir
from checker.trees import Variant, tree_sources

if TYPE_CHECKING:
    from rich.console import Console

    from checker.grading import Grade, Practice, SourceTree

# Commands import what they need when they run: `prkit check` must start fast.


class _LazyConsole:
    """A rich Console made on first use: `prkit check --format json` never needs rich."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def console(self) -> "Console":
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr, highlight=False)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console(), name)


out = _LazyConsole(stderr=False)
err = _LazyConsole(stderr=True)
FORMATS = ("text", "markdown", "json", "jsonl")


@click.group(
    help="Practise pull-request reviews of async Python that calls the Mistral API.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="prkit", prog_name="prkit")
def app() -> None:
    pass


@app.command("list")
def list_exercises() -> None:
    """Exercises with difficulty, suggested minutes and your best score."""
    from rich.table import Table

    best = history.best_scores()
    table = Table(header_style="bold", expand=True)
    table.add_column("exercise", no_wrap=True, style="bold", width=18)
    table.add_column("level", no_wrap=True, width=5)
    table.add_column("min", justify="right", no_wrap=True, width=3)
    table.add_column("best score", no_wrap=True, width=13)
    table.add_column("pull request", overflow="ellipsis", no_wrap=True, ratio=1)
    for exercise in all_exercises():
        record = best.get(exercise.slug)
        score = "not tried"
        if record:
            tries = "1 try" if record.attempts == 1 else f"{record.attempts} tries"
            score = f"{record.weighted_recall:.0%} ({tries})"
        table.add_row(
            exercise.slug,
            "★" * exercise.difficulty,
            str(exercise.minutes),
            score,
            exercise.title,
        )
    out.print(table)


@app.command()
@click.argument("slug")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--timer", is_flag=True, help="time the review; check reports the minutes taken")
def start(slug: str, directory: Path | None, timer: bool) -> None:
    """Create a git repo to review in: main = base, pr/SLUG = the PR, plus REVIEW.md."""
    from checker.start import start as create

    exercise = find_exercise(slug)
    dest = create(exercise, directory or Path(f"{slug}-review"), timed=timer)
    earlier_hints = len(history.hints_taken(exercise.slug))
    history.record_start(exercise.slug, dest, timed=timer)
    if earlier_hints:
        out.print(
            f"[dim]a new round: the {earlier_hints} hint(s) of your last round no longer count[/]"
        )
    out.print(f"[bold]{exercise.title}[/] is ready in [cyan]{dest}[/]")
    if timer:
        out.print(f"  timer started: {exercise.minutes} minutes suggested")
    out.print(f"  cd {dest}")
    out.print(f"  git diff main...pr/{slug}        # the pull request; PR.md is its description")
    out.print(f"  prkit check {slug} REVIEW.md      # when your review is written")


@app.command()
@click.argument("slug")
def show(slug: str) -> None:
    """The PR description and the colored diff."""
    from rich.markdown import Markdown
    from rich.syntax import Syntax

    from checker.diff import exercise_diff

    exercise = find_exercise(slug)
    out.print(
        f"[bold]{exercise.slug}[/] · {'★' * exercise.difficulty} · {exercise.minutes} min · "
        f"by {exercise.author}\n[dim]{', '.join(exercise.topics)}[/]\n"
    )
    out.print(Markdown(exercise.pr_description.read_text("utf-8")))
    out.print()
    diff = exercise_diff(exercise, Variant.BASE, Variant.PR)
    out.print(Syntax(diff, "diff", theme="ansi_dark", word_wrap=True))


def _target(target: str) -> tuple[AnswerKey, Exercise | None]:
    as_path = Path(target)
    if (exercises_dir() / target / "exercise.toml").is_file():
        exercise = find_exercise(target)
        return load_key(exercise.key_file), exercise
    if as_path.suffix == ".toml" or as_path.exists() or os.sep in target:
        return load_key(as_path), None
    find_exercise(target)  # raises: unknown exercise, with the known ones listed
    raise AssertionError("unreachable")


def _grade_one(
    key: AnswerKey, exercise: Exercise | None, review: Path, tree: "SourceTree", save: bool
) -> "Grade":
    from checker.grading import grade_file

    grade = grade_file(
        key,
        review,
        tree,
        exercise=exercise.slug if exercise else None,
        pr_description=exercise.pr_description.read_text("utf-8") if exercise else None,
    )
    if exercise is not None:
        grade.practice = _practice(exercise, review, save)
        if save and grade.findings:
            hints = [history.Hint(level, issue, 0.0) for level, issue in grade.practice.hints]
            digest = hashlib.sha256(review.read_bytes()).hexdigest()
            history.record_attempt(grade, grade.practice.seconds_taken, hints, digest)
    return grade


def _practice(exercise: Exercise, review: Path, use_history: bool) -> "Practice":
    """Hints taken and time spent on EXERCISE (the database is not read with --no-save)."""
    from checker.grading import Practice
    from checker.start import timer_start

    started = timer_start(review.parent, exercise.slug)
    hints: tuple[tuple[int, str | None], ...] = ()
    if use_history:
        if started is None:
            last = history.last_start(exercise.slug)
            started = last[0] if last and last[1] else None
        hints = tuple((h.level, h.issue) for h in history.hints_taken(exercise.slug))
    seconds = time.time() - started if started is not None else None
    return Practice(hints, seconds, exercise.minutes)


@app.command()
@click.argument("target")
@click.argument("reviews", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format", "-f", "output", type=click.Choice(FORMATS), default="text", help="report format"
)
@click.option(
    "--tree", "tree_dir", type=click.Path(path_type=Path), help="the PR's source, for a key file"
)
@click.option("--no-save", is_flag=True, help="do not record the attempt")
def check(
    target: str, reviews: tuple[Path, ...], output: str, tree_dir: Path | None, no_save: bool
) -> None:
    """Grade review(s) against TARGET: an exercise slug or an issues TOML file."""
    from checker.grading import SourceTree

    key, exercise = _target(target)
    if exercise is not None:
        tree = SourceTree.from_files(tree_sources(exercise, Variant.PR))
    elif tree_dir is not None:
        if not tree_dir.is_dir():
            raise UsageError(f"{tree_dir}: --tree must be a directory")
        tree = SourceTree.from_dir(tree_dir)
    else:
        tree = SourceTree()
    if output == "jsonl":
        _check_cohort(key, exercise, tree, reviews)
        return
    save = not no_save and len(reviews) == 1
    grades = [_grade_one(key, exercise, review, tree, save=save) for review in reviews]
    if output == "text":
        from checker.report.text import render_text

        for grade in grades:
            render_text(grade, tree, out.console())
    elif output == "json":
        from checker.report.json import render_json

        text = render_json(grades[0]) if len(grades) == 1 else _json_list(grades)
        sys.stdout.write(text + "\n")
    else:
        from checker.report.markdown import render_markdown

        sys.stdout.write("\n\n".join(render_markdown(g, tree) for g in grades) + "\n")


def _check_cohort(
    key: AnswerKey, exercise: Exercise | None, tree: "SourceTree", reviews: tuple[Path, ...]
) -> None:
    """One JSON line per review; unreadable reviews get an error line and exit code 2."""
    from checker.cohort import grade_cohort

    failures = 0
    for ok, line in grade_cohort(key, exercise, tree, reviews):
        failures += not ok
        sys.stdout.write(line + "\n")
    if failures:
        raise UsageError(f"{failures} of {len(reviews)} reviews could not be read")


def _json_list(grades: "list[Grade]") -> str:
    import json

    from checker.report.json import grade_to_dict

    return json.dumps([{**grade_to_dict(g), "review": str(g.review)} for g in grades], indent=2)


@app.command()
@click.argument("slug")
@click.option("--issue", help="only this issue's proof")
def proofs(slug: str, issue: str | None) -> None:
    """Run each proof: it must fail on the PR and pass on the fixed version."""
    from checker.proofs.report import show as show_proofs
    from checker.proofs.report import verify

    exercise = find_exercise(slug)
    key = load_key(exercise.key_file)
    chosen = [i for i in key.issues if issue is None or i.id == issue]
    if issue is not None and not chosen:
        raise UsageError(f"{slug} has no issue '{issue}'")
    runnable = [i for i in chosen if not i.proof_is_static]
    if not runnable:
        raise UsageError(f"issue '{issue}' has a static proof: {chosen[0].proof}")
    verdicts = verify(exercise, key, runnable, out.console())
    show_proofs(verdicts, out.console())
    broken = [v.issue.id for v in verdicts if not v.holds]
    if broken:
        sys.stderr.write(f"prkit: {len(broken)} proof(s) do not hold: {', '.join(broken)}\n")
        sys.exit(1)
    out.print(f"[green]all {len(verdicts)} proofs hold[/]: each fails on the PR, passes on the fix")


@app.command("fake-api")
@click.option("--port", type=int, default=8787, show_default=True, help="port on 127.0.0.1")
@click.option("--latency", type=float, default=0.0, help="seconds added to each request")
@click.option("--max-in-flight", type=int, help="answer 429 beyond this many concurrent requests")
@click.option("--rate-limit", type=int, help="answer 429 beyond this many requests per second")
@click.option("--fail-every", type=int, help="answer 503 to every Nth request")
def fake_api(
    port: int,
    latency: float,
    max_in_flight: int | None,
    rate_limit: int | None,
    fail_every: int | None,
) -> None:
    """Serve the fake Mistral API on loopback, to run a PR by hand."""
    from checker.fakeapi import Faults, serve

    if not 0 < port < 65536:
        raise UsageError(f"port {port} is not between 1 and 65535")
    faults = Faults(
        latency=latency,
        max_in_flight=max_in_flight,
        requests_per_window=rate_limit,
        fail_every=fail_every,
    )
    err.print(
        f"fake Mistral API on http://127.0.0.1:{port} — use "
        f"Mistral(api_key='any', server_url='http://127.0.0.1:{port}'); Ctrl-C stops it"
    )
    serve(port=port, faults=faults)


@app.command()
@click.argument("slug")
@click.option(
    "--level",
    "-l",
    type=click.IntRange(1, 3),
    default=1,
    show_default=True,
    help="1: how many issues where, 2: the regions, 3: one issue's hint",
)
def hint(slug: str, level: int) -> None:
    """A progressive hint; the hints you take are remembered and shown in the report."""
    from checker.hints import next_issue_hint, overview, regions

    exercise = find_exercise(slug)
    key = load_key(exercise.key_file)
    if level == 1:
        text = overview(key)
    elif level == 2:
        text = regions(key)
    else:
        taken = history.hints_taken(exercise.slug)
        shown = [h.issue for h in taken if h.level == 3]
        previous = history.attempts(exercise.slug)
        caught = (
            {i for i, s in previous[-1].statuses.items() if s["status"] == "caught"}
            if previous
            else set()
        )
        text = next_issue_hint(key, shown, caught)
    history.record_hint(exercise.slug, level, text.issue)
    for line in text.lines:
        out.print(line, markup=False)
    if level == 3 and text.issue:
        out.print(
            "[dim]Each --level 3 gives the next issue's first hint; once every issue had one, "
            "the second, more pointed hints follow.[/]"
        )


@app.command()
@click.argument("slug", required=False)
def stats(slug: str | None) -> None:
    """Your attempts over time and the categories you miss most."""
    from checker.stats import show_stats

    if slug is not None:
        find_exercise(slug)
    show_stats(history.attempts(slug), out.console())


@app.command()
@click.argument("slug")
def solution(slug: str) -> None:
    """The fixed version as a diff against the PR, each hunk tied to the issues it fixes."""
    from rich.syntax import Syntax

    from checker.solution import solution_hunks

    exercise = find_exercise(slug)
    key = load_key(exercise.key_file)
    titles = {i.id: i for i in key.issues}
    for hunk in solution_hunks(exercise, key):
        fixes = ", ".join(f"{i} ({titles[i].severity})" for i in hunk.issues) or "no listed issue"
        out.print(f"[bold]{hunk.path}[/]:{hunk.pr_start}-{hunk.pr_end}  [green]fixes:[/] {fixes}")
        out.print(Syntax(hunk.text.rstrip("\n"), "diff", theme="ansi_dark", word_wrap=True))
        out.print()


@app.command()
@click.argument("slug")
def lint(slug: str) -> None:
    """What ruff and mypy report on the PR, mapped to the key's issues."""
    from rich.table import Table

    from checker.lint import lint_pr

    exercise = find_exercise(slug)
    key = load_key(exercise.key_file)
    with out.status("running ruff and mypy on the pull request…"):
        diagnostics = lint_pr(exercise, key)
    table = Table(header_style="bold", title=f"ruff and mypy on {slug}")
    table.add_column("where", no_wrap=True)
    table.add_column("tool", no_wrap=True)
    table.add_column("rule", no_wrap=True)
    table.add_column("message", overflow="fold")
    table.add_column("issue", overflow="fold")
    for d in diagnostics:
        issue = ", ".join(d.issues) or (f"[dim]near {', '.join(d.near)}[/]" if d.near else "")
        table.add_row(f"{d.path}:{d.line}", d.tool, d.code, d.message, issue)
    out.print(table)
    machine = {i for d in diagnostics for i in d.issues}
    human = [i.id for i in key.issues if i.id not in machine]
    out.print(f"[green]caught by a tool[/] ({len(machine)}): {', '.join(sorted(machine)) or '-'}")
    out.print(f"[yellow]only a reviewer catches[/] ({len(human)}): {', '.join(human)}")


@app.command()
@click.argument("target", required=False)
def validate(target: str | None) -> None:
    """Check exercises and answer keys for authoring mistakes."""
    from checker.validate import exercise_folders, validate_exercise, validate_key_file

    if target is None:
        results = [validate_exercise(folder) for folder in exercise_folders()]
    elif (exercises_dir() / target / "exercise.toml").is_file():
        results = [validate_exercise(exercises_dir() / target)]
    elif Path(target).is_file():
        results = [validate_key_file(Path(target))]
    else:
        find_exercise(target)  # raises: unknown exercise, with the known ones listed
        return
    for result in results:
        if result.ok:
            out.print(f"[green]✓[/] {result.subject}: {result.summary}")
        else:
            for problem in result.problems:
                err.print(f"[red]✗[/] {result.subject}: {problem}")
    if not results:
        raise UsageError("no exercises found")
    if not all(r.ok for r in results):
        sys.exit(2)


def _fail(message: str, code: int) -> None:
    """One unwrapped line on stderr, then exit with CODE."""
    sys.stderr.write(message.replace("\n", " ") + "\n")
    sys.exit(code)


def main() -> None:
    """Entry point: usage problems and bad input exit 2 with one line; bugs exit 1."""
    try:
        app.main(prog_name="prkit", standalone_mode=False)
    except UsageError as exc:
        _fail(f"prkit: error: {exc}", 2)
    except click.exceptions.NoArgsIsHelpError as exc:
        out.print(exc.format_message(), markup=False, highlight=False)
    except click.ClickException as exc:  # the CLI library's usage errors
        message = " ".join(exc.format_message().split())
        _fail(f"prkit: error: {message}", exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except (click.Abort, KeyboardInterrupt):
        _fail("prkit: interrupted", 130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:
        if os.environ.get("PRKIT_DEBUG"):
            traceback.print_exc()
        detail = " ".join(str(exc).split())
        _fail(
            f"prkit: internal error: {type(exc).__name__}: {detail} "
            "(PRKIT_DEBUG=1 shows the traceback)",
            1,
        )

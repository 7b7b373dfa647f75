"""The `prkit` command line (DESIGN.md §8)."""

import os
import sys
import tempfile
import time
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.syntax import Syntax
from rich.table import Table

from checker import history
from checker.diff import exercise_diff
from checker.errors import UsageError
from checker.exercise import Exercise, all_exercises, find_exercise
from checker.grading import Grade, Practice, SourceTree, grade_review
from checker.key import AnswerKey, load_key
from checker.paths import exercises_dir
from checker.report import render_json, render_jsonl, render_markdown, render_text
from checker.review import parse_review
from checker.trees import Variant, materialize

app = typer.Typer(
    help="Practise pull-request reviews of async Python that calls the Mistral API.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    jsonl = "jsonl"


@app.command("list")
def list_exercises() -> None:
    """Exercises with difficulty, suggested minutes and your best score."""
    best = history.best_scores()
    table = Table(header_style="bold")
    for column in ("exercise", "title", "difficulty", "minutes", "topics", "best score"):
        table.add_column(column)
    for exercise in all_exercises():
        record = best.get(exercise.slug)
        score = "not tried"
        if record:
            tries = "1 try" if record.attempts == 1 else f"{record.attempts} tries"
            score = f"{record.weighted_recall:.0%} ({tries})"
        table.add_row(
            exercise.slug,
            exercise.title,
            "★" * exercise.difficulty,
            str(exercise.minutes),
            ", ".join(exercise.topics),
            score,
        )
    out.print(table)


@app.command()
def start(
    slug: Annotated[str, typer.Argument(help="exercise to start")],
    directory: Annotated[Path | None, typer.Argument(help="where (default ./SLUG-review)")] = None,
    timer: Annotated[
        bool, typer.Option("--timer", help="time the review; check reports the minutes taken")
    ] = False,
) -> None:
    """Create a git repo to review in: main = base, pr/SLUG = the PR, plus REVIEW.md."""
    from checker.start import start as create

    exercise = find_exercise(slug)
    dest = create(exercise, directory or Path(f"{slug}-review"), timed=timer)
    history.record_start(exercise.slug, dest, timed=timer)
    out.print(f"[bold]{exercise.title}[/] is ready in [cyan]{dest}[/]")
    if timer:
        out.print(f"  timer started: {exercise.minutes} minutes suggested")
    out.print(f"  cd {dest}")
    out.print(f"  git diff main...pr/{slug}        # the pull request; PR.md is its description")
    out.print(f"  prkit check {slug} REVIEW.md      # when your review is written")


@app.command()
def show(slug: Annotated[str, typer.Argument(help="exercise to show")]) -> None:
    """The PR description and the colored diff."""
    exercise = find_exercise(slug)
    out.print(Markdown(exercise.pr_description.read_text("utf-8")))
    out.print()
    out.print(Syntax(exercise_diff(exercise, Variant.BASE, Variant.PR), "diff", theme="ansi_dark"))


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
    key: AnswerKey, exercise: Exercise | None, review: Path, tree: SourceTree, save: bool
) -> Grade:
    parsed = parse_review(review)
    grade = grade_review(
        key,
        parsed.findings,
        tree,
        exercise=exercise.slug if exercise else None,
        review=review,
        warnings=parsed.warnings,
    )
    if exercise is not None:
        grade.practice = _practice(exercise, review, save)
        if save:
            hints = [history.Hint(level, issue, 0.0) for level, issue in grade.practice.hints]
            history.record_attempt(grade, grade.practice.seconds_taken, hints)
    return grade


def _practice(exercise: Exercise, review: Path, use_history: bool) -> Practice:
    """Hints taken and time spent on EXERCISE (the database is not read with --no-save)."""
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
def check(
    target: Annotated[str, typer.Argument(help="exercise slug, or an issues TOML file")],
    reviews: Annotated[list[Path], typer.Argument(help="review file(s): Markdown, YAML or JSON")],
    output: Annotated[Format, typer.Option("--format", "-f", help="report format")] = Format.text,
    tree_dir: Annotated[
        Path | None, typer.Option("--tree", help="the PR's source, for a key file target")
    ] = None,
    no_save: Annotated[bool, typer.Option("--no-save", help="do not record the attempt")] = False,
) -> None:
    """Grade review(s) against an exercise's issue list."""
    key, exercise = _target(target)
    with tempfile.TemporaryDirectory(prefix="prkit-check-") as scratch:
        if exercise is not None:
            source = materialize(exercise, Variant.PR, Path(scratch) / "pr")
        elif tree_dir is not None:
            if not tree_dir.is_dir():
                raise UsageError(f"{tree_dir}: --tree must be a directory")
            source = tree_dir
        else:
            source = None
        tree = SourceTree.from_dir(source) if source else SourceTree()
        failures = 0
        grades: list[Grade] = []
        for review in reviews:
            try:
                grade = _grade_one(key, exercise, review, tree, save=not no_save)
            except UsageError as exc:
                if output is not Format.jsonl:
                    raise
                failures += 1
                out.print_json(data={"review": str(review), "error": str(exc)}, indent=None)
                continue
            grades.append(grade)
            if output is Format.jsonl:
                sys.stdout.write(render_jsonl(grade) + "\n")
            elif output is Format.text:
                render_text(grade, tree, out)
        if output is Format.json:
            text = render_json(grades[0]) if len(grades) == 1 else _json_list(grades)
            sys.stdout.write(text + "\n")
        elif output is Format.markdown:
            sys.stdout.write("\n\n".join(render_markdown(g, tree) for g in grades) + "\n")
        if failures:
            raise UsageError(f"{failures} of {len(reviews)} reviews could not be read")


def _json_list(grades: list[Grade]) -> str:
    import json

    from checker.report import grade_to_dict

    return json.dumps([{**grade_to_dict(g), "review": str(g.review)} for g in grades], indent=2)


@app.command()
def proofs(
    slug: Annotated[str, typer.Argument(help="exercise whose proofs to run")],
    issue: Annotated[str | None, typer.Option("--issue", help="only this issue's proof")] = None,
) -> None:
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
    verdicts = verify(exercise, key, runnable, out)
    show_proofs(verdicts, out)
    broken = [v.issue.id for v in verdicts if not v.holds]
    if broken:
        sys.stderr.write(f"prkit: {len(broken)} proof(s) do not hold: {', '.join(broken)}\n")
        raise typer.Exit(1)
    out.print(f"[green]all {len(verdicts)} proofs hold[/]: each fails on the PR, passes on the fix")


@app.command("fake-api")
def fake_api(
    port: Annotated[int, typer.Option(help="port on 127.0.0.1")] = 8787,
    latency: Annotated[float, typer.Option(help="seconds added to each request")] = 0.0,
    max_in_flight: Annotated[
        int | None, typer.Option(help="answer 429 beyond this many concurrent requests")
    ] = None,
    rate_limit: Annotated[
        int | None, typer.Option(help="answer 429 beyond this many requests per second")
    ] = None,
    fail_every: Annotated[int | None, typer.Option(help="answer 503 to every Nth request")] = None,
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
def hint(
    slug: Annotated[str, typer.Argument(help="exercise to get a hint for")],
    level: Annotated[
        int,
        typer.Option(
            "--level", "-l", min=1, max=3, help="1: how many where, 2: regions, 3: an issue's hint"
        ),
    ] = 1,
) -> None:
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


@app.command()
def stats(
    slug: Annotated[str | None, typer.Argument(help="only this exercise")] = None,
) -> None:
    """Your attempts over time and the categories you miss most."""
    from checker.stats import show_stats

    if slug is not None:
        find_exercise(slug)
    show_stats(history.attempts(slug), out)


@app.command()
def solution(slug: Annotated[str, typer.Argument(help="exercise to reveal")]) -> None:
    """The fixed version as a diff against the PR, each hunk tied to the issues it fixes."""
    from checker.solution import solution_hunks

    exercise = find_exercise(slug)
    key = load_key(exercise.key_file)
    titles = {i.id: i for i in key.issues}
    for hunk in solution_hunks(exercise, key):
        fixes = ", ".join(f"{i} ({titles[i].severity})" for i in hunk.issues) or "no listed issue"
        out.print(f"[bold]{hunk.path}[/]:{hunk.pr_start}-{hunk.pr_end}  [green]fixes:[/] {fixes}")
        out.print(Syntax(hunk.text.rstrip("\n"), "diff", theme="ansi_dark"))
        out.print()


@app.command()
def lint(slug: Annotated[str, typer.Argument(help="exercise whose PR to lint")]) -> None:
    """What ruff and mypy report on the PR, mapped to the key's issues."""
    from checker.lint import lint_pr

    exercise = find_exercise(slug)
    key = load_key(exercise.key_file)
    with out.status("running ruff and mypy on the pull request…"):
        diagnostics = lint_pr(exercise, key)
    table = Table(header_style="bold", title=f"ruff and mypy on {slug}")
    for column in ("where", "tool", "rule", "message", "issue"):
        table.add_column(column)
    for d in diagnostics:
        issue = ", ".join(d.issues) or (f"[dim]near {', '.join(d.near)}[/]" if d.near else "")
        table.add_row(f"{d.path}:{d.line}", d.tool, d.code, d.message, issue)
    out.print(table)
    machine = {i for d in diagnostics for i in d.issues}
    human = [i.id for i in key.issues if i.id not in machine]
    out.print(f"[green]caught by a tool[/] ({len(machine)}): {', '.join(sorted(machine)) or '-'}")
    out.print(f"[yellow]only a reviewer catches[/] ({len(human)}): {', '.join(human)}")


@app.command()
def validate(
    target: Annotated[str | None, typer.Argument(help="an exercise slug or an issues TOML")] = None,
) -> None:
    """Check exercises and answer keys for authoring mistakes."""
    from checker.validate import exercise_folders, validate_exercise, validate_key_file

    with tempfile.TemporaryDirectory(prefix="prkit-validate-") as scratch:
        if target is None:
            results = [validate_exercise(f, Path(scratch)) for f in exercise_folders()]
        elif (exercises_dir() / target / "exercise.toml").is_file():
            results = [validate_exercise(exercises_dir() / target, Path(scratch))]
        elif Path(target).is_file():
            results = [validate_key_file(Path(target))]
        else:
            find_exercise(target)
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
        raise typer.Exit(2)


def _fail(message: str, code: int) -> None:
    """One unwrapped line on stderr, then exit with CODE."""
    sys.stderr.write(message.replace("\n", " ") + "\n")
    sys.exit(code)


def main() -> None:
    """Entry point: usage problems and bad input exit 2 with one line; bugs exit 1."""
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except UsageError as exc:
        _fail(f"prkit: error: {exc}", 2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("prkit: interrupted")
        sys.exit(130)
    except typer.TyperException as exc:  # the CLI library's usage errors
        if type(exc).__name__ == "NoArgsIsHelpError":
            out.print(exc.format_message(), markup=False, highlight=False)
            sys.exit(0)
        message = " ".join(exc.format_message().split())
        _fail(f"prkit: error: {message}", getattr(exc, "exit_code", 2))
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

"""`prkit stats`: attempts over time and the categories most often missed."""

import time
from collections import Counter

from rich.console import Console
from rich.table import Table
from rich.text import Text

from checker.history import Attempt

SPARKS = "▁▂▃▄▅▆▇█"
BAR_WIDTH = 30


def sparkline(values: list[float]) -> str:
    """One character per value between 0 and 1."""
    return "".join(SPARKS[min(len(SPARKS) - 1, int(v * len(SPARKS)))] for v in values)


def missed_categories(attempts: list[Attempt]) -> Counter[str]:
    """How often issues of each category were missed (partial counts half)."""
    counts: Counter[str] = Counter()
    for attempt in attempts:
        for status in attempt.statuses.values():
            weight = {"missed": 1.0, "partial": 0.5}.get(status["status"], 0.0)
            if weight:
                counts[status["category"]] += weight  # type: ignore[assignment]
    return counts


def show_stats(attempts: list[Attempt], console: Console) -> None:
    if not attempts:
        console.print("No attempts yet: `prkit check SLUG REVIEW.md` records one.")
        return
    table = Table(title="Attempts (latest 20)", header_style="bold", expand=True)
    table.add_column("when", no_wrap=True, width=11)
    table.add_column("exercise", no_wrap=True, width=18)
    table.add_column("w. recall", justify="right", no_wrap=True, width=9)
    table.add_column("", no_wrap=True, overflow="crop", ratio=1)
    table.add_column("F1", justify="right", no_wrap=True, width=4)
    table.add_column("time", justify="right", no_wrap=True, width=7)
    for attempt in attempts[-20:]:
        when = time.strftime("%m-%d %H:%M", time.localtime(attempt.checked_at))
        bar = "█" * round(attempt.weighted_recall * BAR_WIDTH)
        spent = f"{attempt.seconds_taken / 60:.0f} min" if attempt.seconds_taken else ""
        table.add_row(
            when,
            attempt.exercise,
            f"{attempt.weighted_recall:.0%}",
            Text(bar, style="green"),
            f"{attempt.f1:.0%}",
            spent,
        )
    console.print(table)
    by_exercise: dict[str, list[float]] = {}
    for attempt in attempts:
        by_exercise.setdefault(attempt.exercise, []).append(attempt.weighted_recall)
    console.print(Text("\nProgress (weighted recall, oldest → newest)", style="bold"))
    for exercise, values in sorted(by_exercise.items()):
        console.print(f"  {exercise:<22} {sparkline(values)}  best {max(values):.0%}")
    counts = missed_categories(attempts)
    if counts:
        console.print(Text("\nMost often missed categories", style="bold"))
        top = max(counts.values())
        for category, count in counts.most_common():
            bar = "█" * max(1, round(count / top * BAR_WIDTH))
            console.print(f"  {category:<16} ", Text(bar, style="red"), f" {count:g}")

"""Grading accuracy: the checker's verdicts against expert labels of a review corpus.

    python benchmarks/grading.py [--errors]

The corpus is benchmarks/data/<exercise>/: reviews written by reviewers who had not seen
the key, in many styles, and labels.toml, where an expert grader (who did not run the
checker) gave every issue of the key a status — caught, partial or missed — and listed
the decoys each review fell for.

Held-out split: a review is held out when the SHA-1 of "<exercise>/<file>" is divisible
by 3. The rule was fixed before any result was seen; tuning looks only at the other
reviews (`--errors` lists their disagreements, never the held-out ones). Fresh split:
reviews marked `fresh = true` in labels.toml were written and labelled after the grader
was tuned and are scored, never tuned on. Once scored, a round is marked `round = N`
(its one-time score noted in labels.toml) and joins the tune/held-out split.

Printed: for each exercise and overall, precision, recall and F1 of the "caught"
decisions (an issue labelled caught is a positive), the confusion between caught,
partial and missed, decoy agreement, and the same for plain keys (concepts and
locations stripped, each issue described by its title and the first sentence of its
explanation; there a positive is an issue found at all, caught or partial, since a plain
key cannot tell a wrong line from a right one). Wall time is measured with
time.perf_counter around the grading of the whole corpus.

Labels: two graders labelled every review independently (labels-first.toml,
labels-second.toml) and a third settled each disagreement (adjudication.toml);
labels.toml is the result. The agreement of each single grader with it is printed
last, scored the same way, as a reference for what a careful human reaches.
"""

import argparse
import dataclasses
import hashlib
import sys
import tempfile
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from checker.exercise import find_exercise
from checker.grading import SourceTree, grade_review
from checker.key import AnswerKey, Issue, load_key
from checker.review import parse_review
from checker.trees import Variant, materialize

DATA = Path(__file__).parent / "data"
STATUSES = ("caught", "partial", "missed")


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    confusion: Counter[tuple[str, str]] = dataclasses.field(default_factory=Counter)
    decoys_agree: int = 0
    decoys_total: int = 0

    def add(self, label: str, predicted: str, positive: tuple[str, ...]) -> None:
        self.confusion[(label, predicted)] += 1
        truth, guess = label in positive, predicted in positive
        self.tp += truth and guess
        self.fp += guess and not truth
        self.fn += truth and not guess
        self.tn += not truth and not guess

    def merge(self, other: "Tally") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn
        self.confusion.update(other.confusion)
        self.decoys_agree += other.decoys_agree
        self.decoys_total += other.decoys_total

    def scores(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def held_out(slug: str, file: str) -> bool:
    return int(hashlib.sha1(f"{slug}/{file}".encode()).hexdigest(), 16) % 3 == 0


def plain(key: AnswerKey) -> AnswerKey:
    """The key as an interviewer's plain list: ids, severities, free-text descriptions."""

    def strip(issue: Issue) -> Issue:
        first = issue.explanation.split(". ")[0].rstrip(".") if issue.explanation else ""
        text = f"{issue.title}. {first}." if first else issue.title
        return Issue(id=issue.id, severity=issue.severity, title=text, description=text)

    return AnswerKey(key.source, tuple(strip(i) for i in key.issues))


def evaluate(slug: str, plain_mode: bool, errors: list[str]) -> tuple[dict[str, Tally], int]:
    """Tallies per split ("tune", "heldout", "fresh") for one exercise, and the reviews graded."""
    exercise = find_exercise(slug)
    key = load_key(exercise.key_file)
    if plain_mode:
        key = plain(key)
    positive = ("caught", "partial") if plain_mode else ("caught",)
    labels = tomllib.loads((DATA / slug / "labels.toml").read_text(encoding="utf-8"))["review"]
    described = exercise.pr_description.read_text("utf-8")
    tallies = {"tune": Tally(), "heldout": Tally(), "fresh": Tally()}
    with tempfile.TemporaryDirectory() as scratch:
        tree = SourceTree.from_dir(materialize(exercise, Variant.PR, Path(scratch) / "pr"))
        for entry in labels:
            split = (
                "fresh"
                if entry.get("fresh")
                else "heldout"
                if held_out(slug, entry["file"])
                else "tune"
            )
            parsed = parse_review(DATA / slug / entry["file"])
            result = grade_review(
                key, parsed.findings, tree, exercise=slug, pr_description=described
            )
            tally = tallies[split]
            for issue in result.issues:
                label = entry["issues"][issue.issue.id]
                tally.add(label, issue.status, positive)
                wrong = (label in positive) != (issue.status in positive)
                if wrong and split == "tune":
                    errors.append(
                        f"{slug}/{entry['file']}: {issue.issue.id}: labelled "
                        f"{label}, graded {issue.status}"
                    )
            if not plain_mode:
                hit = sorted({d for f in result.findings for d in f.decoys})
                for decoy in key.decoys:
                    tally.decoys_total += 1
                    tally.decoys_agree += (decoy.id in hit) == (decoy.id in entry["decoys"])
    return tallies, len(labels)


def report(title: str, rows: dict[str, Tally], show_decoys: bool) -> None:
    print(f"\n{title}")
    print(f"  {'':24} {'precision':>9} {'recall':>7} {'F1':>6}   confusion (label → graded)")
    for name, tally in rows.items():
        p, r, f = tally.scores()
        conf = " ".join(
            f"{a[0]}→{b[0]}:{tally.confusion[(a, b)]}" for a in STATUSES for b in STATUSES
        )
        decoys = f"  decoys {tally.decoys_agree}/{tally.decoys_total}" if show_decoys else ""
        print(f"  {name:24} {p:9.3f} {r:7.3f} {f:6.3f}   {conf}{decoys}")


def human_agreement(slugs: list[str]) -> None:
    """Each single grader's labels scored against the consolidated ones, like the checker."""
    print("\nsingle human graders against the consolidated labels (caught decisions)")
    for grader in ("first", "second"):
        tally = Tally()
        for slug in slugs:
            final = _labels(slug, "labels.toml")
            own = {e["file"]: e for e in _labels(slug, f"labels-{grader}.toml")}
            for entry in final:
                for issue, label in entry["issues"].items():
                    tally.add(label, own[entry["file"]]["issues"][issue], ("caught",))
        p, r, f = tally.scores()
        print(f"  {grader + ' grader':24} {p:9.3f} {r:7.3f} {f:6.3f}")


def _labels(slug: str, name: str) -> list[dict[str, object]]:
    data = tomllib.loads((DATA / slug / name).read_text(encoding="utf-8"))
    return list(data["review"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="list tune-split disagreements")
    args = parser.parse_args()
    slugs = sorted(p.parent.name for p in DATA.glob("*/labels.toml"))
    failed = False
    for plain_mode in (False, True):
        errors: list[str] = []
        rows: dict[str, Tally] = {}
        overall = {"tune": Tally(), "heldout": Tally(), "fresh": Tally(), "all": Tally()}
        started = time.perf_counter()
        reviews = 0
        for slug in slugs:
            tallies, count = evaluate(slug, plain_mode, errors)
            reviews += count
            both = Tally()
            for split, tally in tallies.items():
                overall[split].merge(tally)
                both.merge(tally)
            overall["all"].merge(both)
            rows[slug] = both
        elapsed = time.perf_counter() - started
        for split in ("tune", "heldout", "fresh", "all"):
            if overall[split].confusion:
                rows[f"overall ({split})"] = overall[split]
        mode = "plain keys (no concepts, no locations)" if plain_mode else "full keys"
        report(f"{mode}: {reviews} reviews graded in {elapsed:.2f} s", rows, not plain_mode)
        target, floor = (0.90, 0.0) if plain_mode else (0.97, 0.93)
        f1_all = overall["all"].scores()[2]
        worst = min(rows[s].scores()[2] for s in slugs)
        verdict = f1_all >= target and worst >= floor
        failed |= not verdict
        print(
            f"  target F1 >= {target} overall (measured {f1_all:.4f})"
            + (f", >= {floor} per exercise (lowest {worst:.4f})" if floor else "")
            + f": {'met' if verdict else 'NOT met'}"
        )
        if args.errors:
            print("\n".join(f"    {e}" for e in errors))
    human_agreement(slugs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

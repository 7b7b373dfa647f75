"""The proof suite: every executable proof fails on the PR and passes on the fixed version.

This is what keeps answer keys honest: a key cannot claim a bug the PR does not have,
nor a fix that does not fix it (DESIGN.md §5).
"""

import pytest

from checker.exercise import Exercise, all_exercises
from checker.key import load_key
from checker.proofs.runner import ProofOutcome, run_proofs
from checker.trees import Variant

EXERCISES = all_exercises()


def outcomes(exercise: Exercise, variant: Variant) -> dict[str, ProofOutcome]:
    return {o.test: o for o in run_proofs(exercise, variant)}


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.slug for e in EXERCISES])
def test_every_serious_issue_is_proven_on_both_trees(exercise: Exercise) -> None:
    key = load_key(exercise.key_file)
    on_pr = outcomes(exercise, Variant.PR)
    on_fixed = outcomes(exercise, Variant.FIXED)
    assert on_pr, f"no proof ran for {exercise.slug}"
    problems = []
    for issue in key.issues:
        if issue.proof_is_static:
            assert issue.severity in ("minor", "nit"), f"{issue.id} needs an executable proof"
            continue
        pr, fixed = on_pr.get(issue.proof or ""), on_fixed.get(issue.proof or "")
        if pr is None or fixed is None:
            problems.append(f"{issue.id}: proof {issue.proof} did not run")
            continue
        if pr.outcome != "failed":
            problems.append(f"{issue.id}: {pr.outcome} on the PR, expected failed ({pr.message})")
        if fixed.outcome != "passed":
            problems.append(f"{issue.id}: {fixed.outcome} on the fix ({fixed.message})")
        if pr.issue != issue.id:
            problems.append(f"{issue.id}: its proof is marked for {pr.issue!r}")
    assert not problems, "\n".join(problems)
    # every proof test belongs to an issue: no orphan tests that prove nothing
    claimed = {i.proof for i in key.issues}
    orphans = sorted(set(on_pr) - claimed)
    assert not orphans, f"proof tests no issue claims: {orphans}"

"""Communication feedback: severity, actionability, tone, praise and order."""

from pathlib import Path

from checker.feedback import communication_feedback
from checker.grading import SourceTree, grade_review
from checker.key import AnswerKey, Issue, Location
from checker.review import parse_review_text

KEY = AnswerKey(
    Path("k.toml"),
    (
        Issue(
            id="unbounded",
            severity="blocker",
            title="Every request starts at once",
            locations=(Location("app.py", 10, 12),),
            concepts=(("at once", "concurren"), ("limit", "semaphore")),
        ),
        Issue(
            id="naming",
            severity="nit",
            title="camelCase name",
            locations=(Location("app.py", 30, 30),),
            concepts=(("camel",), ("name",)),
        ),
    ),
)


def feedback(review: str):  # type: ignore[no-untyped-def]
    parsed = parse_review_text(review)
    return communication_feedback(grade_review(KEY, parsed.findings, SourceTree()))


def test_a_well_written_review_gets_no_advice() -> None:
    result = feedback(
        "- praise: the module is small and easy to follow.\n"
        "- app.py:10: issue (blocking): every request starts at once with no limit; "
        "wrap the call in a shared semaphore.\n"
        "- app.py:30: nitpick: the camelCase name should be snake_case.\n"
    )
    assert result.advice == []
    assert result.notes == {}


def test_harsh_words_are_pointed_out() -> None:
    result = feedback("- app.py:30: nitpick: obviously this camelCase name is just lazy.\n")
    notes = " ".join(result.notes[0])
    assert "'just'" in notes and "'lazy'" in notes and "'obviously'" in notes


def test_missing_severity_missing_fix_and_missing_praise() -> None:
    result = feedback("- app.py:10: every request starts at once, there is no limit.\n")
    advice = " ".join(result.advice)
    assert "state no severity" in advice
    assert "no praise" in advice
    assert "say what to do instead" in " ".join(result.notes[0])


def test_severity_disagreeing_with_the_key() -> None:
    result = feedback(
        "- app.py:10: nit: requests run at once without a semaphore limit; use one.\n"
    )
    assert "rated nit; the key rates unbounded blocker" in result.notes[0]


def test_burying_the_blocker_is_pointed_out() -> None:
    result = feedback(
        "- praise: nice tests.\n"
        "- app.py:30: nitpick: camelCase name.\n"
        "- app.py:31: nitpick: a second naming quibble.\n"
        "- app.py:32: nitpick: a third naming quibble.\n"
        "- app.py:10: issue (blocking): all requests run at once; add a semaphore limit.\n"
    )
    assert any("lead with the blockers" in a for a in result.advice)

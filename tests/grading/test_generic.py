"""Matching by description: plain keys, and half-named findings described in other words."""

from pathlib import Path

from checker.exercise import find_exercise
from checker.grading import SourceTree, grade_review
from checker.key import AnswerKey, Issue, load_key
from checker.review import Finding, parse_review_text
from checker.trees import Variant, materialize

KEY = AnswerKey(
    Path("interviewer.toml"),
    (
        Issue(
            id="unbounded",
            severity="blocker",
            title="All requests are sent at once: the semaphore is created inside each call",
        ),
        Issue(
            id="blocking-sleep",
            severity="major",
            title="time.sleep in the retry loop blocks the event loop",
        ),
        Issue(
            id="key-leak",
            severity="blocker",
            title="The API key is written into the JSON report",
        ),
        Issue(
            id="no-timeout",
            severity="minor",
            title="Requests to the help centre have no timeout",
        ),
    ),
)
TREE = SourceTree({"app/batch.py": ["import time", "", "time.sleep(2)", "x = 1"]})


def finding(body: str, path: str | None = None, line: int | None = None) -> Finding:
    return Finding(0, body, path, line, line, None, None, (), 1, "")


def statuses(*findings: Finding) -> dict[str, str]:
    result = grade_review(KEY, list(findings), TREE)
    return {r.issue.id: r.status for r in result.issues}


def test_a_paraphrase_of_the_description_catches_the_issue() -> None:
    found = statuses(finding("Calling time.sleep inside the retry loop freezes the event loop."))
    assert found["blocking-sleep"] == "caught"
    assert found["unbounded"] == "missed"


def test_the_report_names_the_words_that_matched() -> None:
    result = grade_review(KEY, [finding("The report JSON contains the API key in clear.")], TREE)
    reasons = " ".join(result.findings[0].reasons)
    assert "caught key-leak: describes it (" in reasons and "'report'" in reasons


def test_one_finding_does_not_catch_a_neighbour_through_a_shared_word() -> None:
    # "requests" is in two descriptions; the finding is plainly about the timeout
    found = statuses(finding("Requests to the help centre never time out and can hang forever."))
    assert found["no-timeout"] == "caught"
    assert found["unbounded"] == "missed"


def test_a_sentence_describing_every_issue_at_once_earns_nothing() -> None:
    catalogue = (
        "All requests are sent at once because the semaphore is created inside each call, "
        "time.sleep in the retry loop blocks the event loop, the API key is written into the "
        "JSON report and requests to the help centre have no timeout."
    )
    result = grade_review(KEY, [finding(catalogue)], TREE)
    assert {r.status for r in result.issues} == {"missed"}
    assert any("catalogue" in flag for flag in result.findings[0].flags)


def test_the_code_at_the_cited_line_adds_evidence_but_does_not_replace_it() -> None:
    # line 3 is `time.sleep(2)`: the cited code completes a terse remark...
    assert statuses(finding("This blocks the loop."))["blocking-sleep"] == "missed"
    cited = statuses(finding("This blocks the loop.", "app/batch.py", 3))
    assert cited["blocking-sleep"] == "caught"
    # ...but a remark that says nothing is not rescued by the code it points at
    assert statuses(finding("This looks wrong.", "app/batch.py", 3))["blocking-sleep"] == "missed"


def test_a_small_key_is_graded_as_well_as_a_long_one() -> None:
    one = AnswerKey(Path("k.toml"), (KEY.issues[3],))
    result = grade_review(one, [finding("No timeout on the help centre requests.")], TREE)
    assert result.issues[0].status == "caught"


def test_a_half_named_finding_at_the_lines_is_caught_when_it_describes_the_rest(
    tmp_path: Path,
) -> None:
    exercise = find_exercise("batching")
    tree = SourceTree.from_dir(materialize(exercise, Variant.PR, tmp_path / "pr"))
    key = load_key(exercise.key_file)

    def semaphore(review: str) -> tuple[str, str]:
        result = grade_review(key, parse_review_text(review).findings, tree)
        return result.issues[0].status, " ".join(result.findings[0].reasons)

    status, why = semaphore(
        "- helpdesk/backlog.py:55: The cap set by HELPDESK_MAX_CONCURRENCY does nothing here: "
        "the object is built anew for every ticket, so no ticket ever waits for another and "
        "all 187 stale tickets go out in one burst.\n"
    )
    assert status == "caught" and "describes it in its own words" in why
    status, why = semaphore("- helpdesk/backlog.py:55: HELPDESK_MAX_CONCURRENCY looks odd here.\n")
    assert status == "partial" and "only half named" in why


def test_a_finding_that_points_nowhere_needs_its_description_to_agree(tmp_path: Path) -> None:
    exercise = find_exercise("rag-wrapper")
    tree = SourceTree.from_dir(materialize(exercise, Variant.PR, tmp_path / "pr"))
    key = load_key(exercise.key_file)

    def verdict(review: str, issue: str) -> str:
        result = grade_review(key, parse_review_text(review).findings, tree)
        return next(r.status for r in result.issues if r.issue.id == issue)

    opening = "In general the code reads well, though the tests don't cover much of it.\n"
    assert verdict(opening, "tests-check-too-little") == "partial"
    described = (
        "The unit tests only check chunk lengths and two cosine values: nothing exercises "
        "retrieval or answering, and no test notices that the tail of an article is lost.\n"
    )
    assert verdict(described, "tests-check-too-little") == "caught"

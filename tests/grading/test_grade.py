"""Grading verdicts on a small hand-made key: caught, partial, missed, decoys, gaming."""

from pathlib import Path

import pytest

from checker.grading import SourceTree, grade_review
from checker.key import AnswerKey, Decoy, Issue, Location
from checker.review import Finding

SOURCE = """\
import asyncio
import time


async def summarize_all(client, tickets):
    tasks = [summarize_one(client, t) for t in tickets]
    return await asyncio.gather(*tasks)


async def summarize_one(client, ticket):
    for attempt in range(3):
        try:
            return await client.chat.complete_async(model="m", messages=[ticket])
        except Exception:
            time.sleep(2 ** attempt)
    return None


def ordered(items):
    return sorted(list(items))
""".splitlines()

TREE = SourceTree({"app/batch.py": SOURCE})

GATHER = Issue(
    id="unbounded-gather",
    severity="blocker",
    title="All requests fired at once with asyncio.gather",
    locations=(Location("app/batch.py", 5, 7, "asyncio.gather(*tasks)"),),
    concepts=(
        ("gather", "all at once", "concurren", "in parallel", "simultaneous"),
        ("limit", "semaphore", "bound", "cap", "throttl"),
    ),
)
SLEEP = Issue(
    id="blocking-sleep",
    severity="major",
    title="time.sleep blocks the event loop",
    locations=(Location("app/batch.py", 15, 15, "time.sleep"),),
    concepts=(("time.sleep", "sleep"), ("block", "event loop", "synchronous")),
)
SWALLOW = Issue(
    id="swallowed-errors",
    severity="minor",
    title="Every exception retried and finally swallowed into None",
    locations=(Location("app/batch.py", 14, 16, "except Exception"),),
    concepts=(
        ("except exception", "every exception", "all exceptions", "swallow", "silent"),
        ("none", "retr", "lost", "hide"),
    ),
)
DECOY = Decoy(
    id="sorted-copy",
    why_fine="sorted() already returns a new list; the list() is harmless.",
    locations=(Location("app/batch.py", 19, 20, "sorted(list(items))"),),
)
KEY = AnswerKey(Path("issues.toml"), (GATHER, SLEEP, SWALLOW), (DECOY,))


def finding(
    body: str,
    path: str | None = None,
    line: int | None = None,
    end: int | None = None,
    index: int = 0,
    label: str | None = None,
) -> Finding:
    return Finding(index, body, path, line, end, None, label, (), index + 1, body)


def grade(*findings: Finding):  # type: ignore[no-untyped-def]
    numbered = [
        Finding(
            n, f.body, f.path, f.line, f.end_line, f.severity, f.label, f.decorations, n + 1, f.raw
        )
        for n, f in enumerate(findings)
    ]
    return grade_review(KEY, numbered, TREE)


def status(result, issue_id: str) -> str:  # type: ignore[no-untyped-def]
    return next(r.status for r in result.issues if r.issue.id == issue_id)


def test_located_finding_naming_the_problem_catches_it() -> None:
    result = grade(
        finding(
            "Every ticket is sent at once through gather; bound it with a Semaphore.",
            "app/batch.py",
            7,
        )
    )
    assert status(result, "unbounded-gather") == "caught"
    assert result.findings[0].status == "matched"
    assert "app/batch.py:7 is at the issue's lines 5-7" in result.findings[0].reasons[0]


def test_paraphrase_with_other_words_catches_it() -> None:
    result = grade(
        finding(
            "Hundreds of requests go out simultaneously here; there is nothing to throttle them.",
            "batch.py",
            6,
        )
    )
    assert status(result, "unbounded-gather") == "caught"


def test_unlocated_finding_naming_the_code_catches_it() -> None:
    result = grade(finding("The retry loop uses `time.sleep`, which blocks the event loop."))
    assert status(result, "blocking-sleep") == "caught"
    assert any("time.sleep" in r or "names the problem" in r for r in result.findings[0].reasons)


def test_right_problem_wrong_place_is_partial() -> None:
    result = grade(
        finding(
            "All requests run concurrently with no limit on how many.",
            "app/batch.py",
            19,
        )
    )
    assert status(result, "unbounded-gather") == "partial"
    assert "wrong place" in result.issues[0].best.missing  # type: ignore[union-attr]


def test_right_place_half_named_is_partial_and_says_what_is_missing() -> None:
    result = grade(
        finding(
            "This gather call worries me, I am not sure it is right.",
            "app/batch.py",
            7,
        )
    )
    assert status(result, "unbounded-gather") == "partial"
    assert "limit" in result.issues[0].best.missing  # type: ignore[union-attr]


def test_vague_remark_on_the_right_line_earns_nothing() -> None:
    result = grade(finding("This looks wrong.", "app/batch.py", 7))
    assert status(result, "unbounded-gather") == "missed"
    assert result.findings[0].status == "unmatched"


def test_keyword_list_earns_nothing() -> None:
    words = "gather, semaphore, limit, time.sleep, blocking, event loop, swallow, None, retries"
    result = grade(finding(words, "app/batch.py", 7))
    assert all(r.status == "missed" for r in result.issues)


def test_a_finding_naming_many_problems_is_credited_only_where_it_points() -> None:
    body = (
        "Requests fire all at once with no semaphore limit. "
        "Also time.sleep blocks the event loop. "
        "And every exception is swallowed into None. "
        "Plus the gather call starts everything concurrently without a cap."
    )
    crafted = Issue(id="extra", severity="nit", title="x", concepts=(("plus",), ("cap",)))
    key = AnswerKey(Path("k.toml"), (GATHER, SLEEP, SWALLOW, crafted))
    located = grade_review(key, [finding(body, "app/batch.py", 15)], TREE)
    assert [r.status for r in located.issues] == ["missed", "caught", "caught", "caught"]
    unlocated = grade_review(key, [finding(body)], TREE)
    assert all(r.status == "caught" for r in unlocated.issues[:3])


def test_finding_on_decoy_is_a_false_alarm() -> None:
    result = grade(finding("Why copy the list before sorting it?", "app/batch.py", 20))
    assert result.findings[0].status == "decoy"
    assert result.findings[0].decoys == ["sorted-copy"]


def test_praise_is_not_graded_and_does_not_lower_precision() -> None:
    result = grade(
        finding("Nice, clear function names.", label="praise"),
        finding("gather sends everything at once; add a semaphore limit", "app/batch.py", 6),
    )
    assert result.findings[0].status == "unmatched"
    assert result.score.precision == 1.0


def test_line_beyond_the_file_warns_and_grades_by_text() -> None:
    result = grade(finding("time.sleep blocks the event loop", "app/batch.py", 400))
    assert status(result, "blocking-sleep") == "caught"
    assert any("has 20 lines, not 400" in w for w in result.warnings)


def test_scores_weight_severity_and_count_partial_half() -> None:
    result = grade(
        finding("gather starts all requests at once; cap them with a semaphore", "app/batch.py", 7),
        finding("time.sleep here is suspicious to me honestly", "app/batch.py", 15),
        finding("Unrelated remark about the README wording.", index=2),
    )
    assert [r.status for r in result.issues] == ["caught", "partial", "missed"]
    assert result.score.recall == pytest.approx((1 + 0.5) / 3, abs=1e-4)
    assert result.score.weighted_recall == pytest.approx((4 + 1.5) / 9, abs=1e-4)
    assert result.score.precision == pytest.approx(2 / 3, abs=1e-4)


def test_plain_key_without_concepts_uses_the_title() -> None:
    plain = Issue(id="no-timeout", severity="major", title="Requests have no timeout")
    key = AnswerKey(Path("k.toml"), (plain,))
    hit = grade_review(
        key, [finding("None of the API calls set a timeout, a stuck request hangs.")], SourceTree()
    )
    miss = grade_review(key, [finding("The function names are inconsistent.")], SourceTree())
    assert hit.issues[0].status == "caught"
    assert miss.issues[0].status == "missed"


def test_a_wrong_line_is_forgiven_when_the_finding_names_the_code() -> None:
    # DESIGN §7: an unambiguous reference such as the code's name points at the issue
    result = grade(finding("`time.sleep` blocks the event loop here.", "app/batch.py", 19))
    assert status(result, "blocking-sleep") == "caught"
    reasons = " ".join(result.findings[0].reasons)
    assert "app/batch.py:19 is not at the issue's lines" in reasons and "`time.sleep`" in reasons


def test_a_wrong_line_is_forgiven_when_the_finding_quotes_the_expression() -> None:
    # `for attempt in range(3)` is only on line 11 (the retry loop around line 15)
    quoted = finding(
        "`for attempt in range(3)`: the sleep inside it blocks the event loop.",
        "app/batch.py",
        2,
    )
    assert status(grade(quoted), "blocking-sleep") == "caught"
    unquoted = finding("The sleep inside the loop blocks the event loop.", "app/batch.py", 2)
    assert status(grade(unquoted), "blocking-sleep") == "partial"


def test_a_finding_that_names_one_problem_is_not_a_vague_attempt_at_its_neighbours() -> None:
    # line 15 sits in the ranges of both blocking-sleep and swallowed-errors
    result = grade(
        finding("time.sleep blocks the event loop; retries are fine.", "app/batch.py", 15)
    )
    assert status(result, "blocking-sleep") == "caught"
    assert status(result, "swallowed-errors") == "missed"


def test_an_unlocated_friendly_opening_is_praise_not_noise() -> None:
    result = grade(
        finding("Overall looks reasonable, nice feature. A few things:"),
        finding("gather starts all requests at once; cap them with a semaphore", "app/batch.py", 7),
    )
    assert result.findings[0].is_praise
    assert result.score.precision == 1.0


def test_any_of_a_findings_line_ranges_can_point_at_the_issue() -> None:
    spread = Finding(
        0,
        "time.sleep blocks the event loop",
        "app/batch.py",
        1,
        2,
        None,
        None,
        (),
        1,
        "",
        more_lines=((15, 15),),
    )
    result = grade_review(KEY, [spread], TREE)
    assert status(result, "blocking-sleep") == "caught"


def test_the_code_a_finding_points_at_can_say_what_its_words_leave_out() -> None:
    body = "While one ticket waits to be retried, this blocks every other ticket from progressing."
    at_the_sleep = grade(finding(body, "app/batch.py", 15))
    assert status(at_the_sleep, "blocking-sleep") == "caught"
    assert "the code it points at has 'time.sleep'" in at_the_sleep.findings[0].reasons[0]
    elsewhere = grade(finding(body, "app/batch.py", 7))
    assert status(elsewhere, "blocking-sleep") != "caught"


def test_the_code_pointed_at_does_not_complete_a_vague_remark() -> None:
    result = grade(
        finding("This retry wait looks fragile to me, worth another look.", "app/batch.py", 15)
    )
    assert all(r.status != "caught" for r in result.issues)


HANG = Issue(
    id="failure-hangs",
    severity="major",
    title="A failing reader leaves the stream hanging forever",
    explanation="When the reader task raises, nothing puts the sentinel on the queue, so the "
    "consumer waits forever and keeps sending keep-alive comments while the panel spins.",
    locations=(Location("app/batch.py", 10, 16, "for attempt in range(3):"),),
    concepts=(("fail", "error", "raise"), ("hang", "forever")),
)
CHUNKS = Issue(
    id="chunks-crash",
    severity="major",
    title="Thinking chunks crash the reader",
    explanation="With a reasoning model the delta content is a list of chunks, not None or a "
    "string: the reader raises, its task dies and the queue never gets its sentinel.",
    locations=(Location("app/batch.py", 13, 13, "client.chat.complete_async"),),
    concepts=(("content", "chunk", "delta"), ("list", "none")),
)


def test_a_neighbour_the_finding_only_resembles_is_not_confirmed() -> None:
    key = AnswerKey(Path("issues.toml"), (HANG, CHUNKS), ())
    body = (
        "When the reader task fails it never puts None on the queue, so the consumer hangs "
        "forever sending keep-alive comments and the panel just spins."
    )
    result = grade_review(key, [finding(body, "app/batch.py", 13)], TREE)
    assert status(result, "failure-hangs") == "caught"
    assert status(result, "chunks-crash") != "caught"


def test_bare_line_numbers_belong_to_the_file_the_text_names() -> None:
    body = "In `app/batch.py` the retry (line 15) uses time.sleep, which blocks the event loop."
    result = grade(finding(body))
    assert status(result, "blocking-sleep") == "caught"
    assert "its text cites app/batch.py:15" in result.findings[0].reasons[0]


def test_naming_the_function_a_finding_already_stands_in_does_not_move_it() -> None:
    # line 11 is in summarize_one, like the sleep on line 15, but not at it
    inside = finding("In `summarize_one` the backoff sleep blocks the event loop.", "batch.py", 11)
    assert status(grade(inside), "blocking-sleep") == "partial"
    outside = finding("In `summarize_one` the backoff sleep blocks the event loop.", "batch.py", 19)
    assert status(grade(outside), "blocking-sleep") == "caught"


def test_a_bare_colon_line_number_cites_the_findings_file() -> None:
    body = "The sleep (`:15`) blocks the event loop while it backs off."
    assert status(grade(finding(body, "app/batch.py", 2)), "blocking-sleep") == "caught"
    assert (
        status(
            grade(finding("Ratio 3:15 of the sleep blocks the event loop.", "app/batch.py", 2)),
            "blocking-sleep",
        )
        == "partial"
    )


VERDICT = Issue(
    id="verdict-free-text",
    severity="minor",
    title="The retry outcome is logged as free text, not structured fields",
    explanation="Each failed attempt of the retry loop is reported as a sentence, so the "
    "dashboard that counts failed attempts per ticket has to parse prose; emit structured "
    "fields (ticket, attempt, error class) instead of free text.",
    locations=(Location("app/batch.py", 14, 16, "except Exception:"),),
    concepts=(("structured", "json"), ("log", "report"), ("free text", "prose")),
)


def test_a_finding_naming_a_third_of_a_problem_is_not_confirmed_by_its_description() -> None:
    key = AnswerKey(Path("issues.toml"), (VERDICT,), ())
    body = (
        "Each failed attempt of the retry loop is reported per ticket, and the dashboard "
        "counts failed attempts per ticket by error class."
    )
    result = grade_review(key, [finding(body, "app/batch.py", 15)], TREE)
    assert status(result, "verdict-free-text") == "partial"


def test_a_one_letter_word_of_a_concept_matches_only_itself() -> None:
    from checker.grading.concepts import Vocabulary
    from checker.grading.text import tokens

    io = Vocabulary(["i/o"])
    assert io.found(tuple(tokens("blocking I/O on the loop")))
    assert not io.found(tuple(tokens("it is logged at INFO on every request")))


def test_words_that_only_repeat_the_code_pointed_at_are_not_completed_by_it() -> None:
    from checker.grading.concepts import ConceptEvidence
    from checker.grading.grade import _completion

    groups = (("latest", "alias"), ("model", "judge", "freez"))
    code = 'JUDGE_MODEL = "mistral-large-latest"'
    # "model" is what the line already says: the code cannot supply the alias for it
    echo = ConceptEvidence((None, "model"), "Any model name is accepted.")
    assert _completion(groups, echo, code) == ""
    said = ConceptEvidence((None, "freez"), "This freezes the judge in place.")
    assert "'latest'" in _completion(groups, said, code)


def test_an_abbreviation_does_not_end_a_sentence() -> None:
    from checker.grading.text import statements

    text = "Check the sequence, incl. `event: done`, and add tests. E.g. This is a new one."
    assert [s.text for s in statements(text)] == [
        "Check the sequence, incl. `event: done`, and add tests.",
        "E.g. This is a new one.",
    ]

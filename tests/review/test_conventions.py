"""Conventional Comments labels, decorations and severity words."""

import pytest

from checker.review import parse_review_text


def only(text: str) -> tuple[str | None, str | None, tuple[str, ...], str]:
    """(label, severity, decorations, body) of a one-finding Markdown review."""
    (finding,) = parse_review_text(text, "REVIEW.md").findings
    return finding.label, finding.severity, finding.decorations, finding.body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("issue (blocking): x", ("issue", "blocker", ("blocking",), "x")),
        ("issue(blocking, security): x", ("issue", "blocker", ("blocking", "security"), "x")),
        ("issue (non-blocking): x", ("issue", None, ("non-blocking",), "x")),
        ("issue (major): x", ("issue", "major", ("major",), "x")),
        ("suggestion (if-minor): x", ("suggestion", None, ("if-minor",), "x")),
        ("suggestion (non-blocking): Major: x", ("suggestion", "major", ("non-blocking",), "x")),
        ("nitpick: x", ("nitpick", "nit", (), "x")),
        ("nit: x", ("nitpick", "nit", (), "x")),
        ("Nitpick (non-blocking): x", ("nitpick", "nit", ("non-blocking",), "x")),
        ("praise: x", ("praise", None, (), "x")),
        ("**praise (blocking):** x", ("praise", None, ("blocking",), "x")),
        ("**Suggestion:** x", ("suggestion", None, (), "x")),
        ("__question__: x", ("question", None, (), "x")),
        ("Thought: x", ("thought", None, (), "x")),
        ("chore: x", ("chore", None, (), "x")),
        ("note: x", ("note", None, (), "x")),
        ("TODO: x", ("todo", None, (), "x")),
        ("typo: x", ("typo", None, (), "x")),
        ("polish: x", ("polish", None, (), "x")),
        ("quibble: x", ("quibble", None, (), "x")),
        ("issue: x", ("issue", None, (), "x")),
        ("issue: [major] x", ("issue", "major", (), "x")),
        ("[blocker] issue: x", ("issue", "blocker", (), "x")),
    ],
)
def test_labels_and_decorations(
    text: str, expected: tuple[str | None, str | None, tuple[str, ...], str]
) -> None:
    assert only(f"- {text}") == expected


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("**Major**: x", "major"),
        ("**Major:** x", "major"),
        ("[blocker] x", "blocker"),
        ("(minor) x", "minor"),
        ("Severity: major x", "major"),
        ("[severity: high] x", "major"),
        ("Blocker - x", "blocker"),
        ("Critical — x", "blocker"),
        ("High: x", "major"),
        ("Medium: x", "minor"),
        ("Low: x", "minor"),
        ("Minor issue: x", "minor"),
        ("Nit: x", "nit"),
        ("Nits: x", "nit"),
        ("nitpick - x", "nit"),
    ],
)
def test_severity_words_at_the_start(text: str, severity: str) -> None:
    assert only(f"- {text}") == (only(f"- {text}")[0], severity, (), "x")


@pytest.mark.parametrize(
    "text",
    [
        "Blocking call: time.sleep inside a coroutine",
        "Blocking calls inside coroutines",
        "High-level: the module mixes concerns",
        "Low latency matters here",
        "Context: this runs per request",
    ],
)
def test_words_that_are_not_severity_marks_stay(text: str) -> None:
    label, severity, _, body = only(f"- {text}")
    assert (label, severity, body) == (None, None, text)


def test_label_after_a_location_heading_title() -> None:
    label, severity, decorations, body = only(
        "## app/a.py:3 Unbounded gather\nissue (blocking): starts everything\n"
    )
    assert (label, severity, decorations) == ("issue", "blocker", ("blocking",))
    assert body == "Unbounded gather\n\nstarts everything"


def test_explicit_marks_beat_the_section_default() -> None:
    (nit, major, default) = parse_review_text(
        "## Blockers\n- nitpick: a\n- Major: b\n- c\n", "R.md"
    ).findings
    assert (nit.severity, major.severity, default.severity) == ("nit", "major", "blocker")

"""Markdown reviews: locations, sections, inheritance, comments, raw text."""

import textwrap

import pytest

from checker.review import Finding, parse_review_text


def parse(text: str) -> tuple[Finding, ...]:
    review = parse_review_text(textwrap.dedent(text), "REVIEW.md")
    assert review.format == "markdown"
    return review.findings


def where(finding: Finding) -> tuple[str | None, int | None, int | None]:
    return finding.path, finding.line, finding.end_line


DESIGN_EXAMPLE = """\
## app/batch.py:42-48
issue (blocking): every request is started at once ... use an asyncio.Semaphore ...

- app/batch.py:88: nitpick: `getSummary` should be snake_case like the rest
- The retry loop sleeps with time.sleep, which blocks the event loop.
"""


def test_design_example() -> None:
    heading, nitpick, unlocated = parse(DESIGN_EXAMPLE)

    assert heading == Finding(
        index=0,
        body="every request is started at once ... use an asyncio.Semaphore ...",
        path="app/batch.py",
        line=42,
        end_line=48,
        severity="blocker",
        label="issue",
        decorations=("blocking",),
        source_line=1,
        raw=DESIGN_EXAMPLE.split("\n\n")[0],
    )
    assert where(nitpick) == ("app/batch.py", 88, None)
    assert (nitpick.severity, nitpick.label, nitpick.index) == ("nit", "nitpick", 1)
    assert nitpick.body == "`getSummary` should be snake_case like the rest"
    assert nitpick.source_line == 4
    assert where(unlocated) == (None, None, None)
    assert unlocated.body == "The retry loop sleeps with time.sleep, which blocks the event loop."
    assert (unlocated.severity, unlocated.label, unlocated.index) == (None, None, 2)
    assert unlocated.raw == "- The retry loop sleeps with time.sleep, which blocks the event loop."


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("app/batch.py:42", ("app/batch.py", 42, None)),
        ("app/batch.py:42-48", ("app/batch.py", 42, 48)),
        ("app/batch.py:42\u201348", ("app/batch.py", 42, 48)),  # en dash
        ("app/batch.py:42:5", ("app/batch.py", 42, None)),
        ("app/batch.py:L42", ("app/batch.py", 42, None)),
        ("app/batch.py#L42", ("app/batch.py", 42, None)),
        ("app/batch.py#L42-L48", ("app/batch.py", 42, 48)),
        ("`app/batch.py` line `L42`", ("app/batch.py", 42, None)),
        ("app/batch.py line 42", ("app/batch.py", 42, None)),
        ("app/batch.py, lines 42-48", ("app/batch.py", 42, 48)),
        ("app/batch.py (line 42)", ("app/batch.py", 42, None)),
        ("app/batch.py L42", ("app/batch.py", 42, None)),
        ("`app/batch.py:42`", ("app/batch.py", 42, None)),
        ("`app/batch.py`:42", ("app/batch.py", 42, None)),
        ("**app/batch.py:42**", ("app/batch.py", 42, None)),
        ("[app/batch.py:42](https://example.com/x#L42)", ("app/batch.py", 42, None)),
        ("app/batch.py:42-48:", ("app/batch.py", 42, 48)),
        ("app/batch.py:42 -", ("app/batch.py", 42, None)),
        ("app/batch.py:42 \u2014", ("app/batch.py", 42, None)),  # em dash
        ("./app/batch.py:42", ("app/batch.py", 42, None)),
        ("app\\\\batch.py:42", ("app/batch.py", 42, None)),
        ("README.md:3", ("README.md", 3, None)),
        ("pyproject.toml:7", ("pyproject.toml", 7, None)),
        ("app/batch.py:", ("app/batch.py", None, None)),
    ],
)
def test_location_syntaxes(written: str, expected: tuple[str, int | None, int | None]) -> None:
    for text in (f"- {written} the text", f"{written} the text", f"## {written}\nthe text"):
        (finding,) = parse(text)
        assert where(finding) == expected, text
        assert finding.body == "the text", text


@pytest.mark.parametrize(
    "text",
    [
        "asyncio.gather: starts everything at once",
        "async/await: mixed styles",
        "app/batch.py uses time.sleep",
        "Line 42: no file given",
    ],
)
def test_text_that_does_not_start_with_a_location(text: str) -> None:
    (finding,) = parse(f"- {text}")
    assert where(finding) == (None, None, None)
    assert finding.body == text


def test_bad_line_numbers_are_warned_about() -> None:
    review = parse_review_text("- app/a.py:0: zero\n- app/a.py:48-42: reversed\n", "R.md")
    zero, reversed_range = review.findings
    assert where(zero) == ("app/a.py", None, None)
    assert where(reversed_range) == ("app/a.py", 42, 48)
    assert review.warnings == (
        "R.md:1: line 0 is not a positive line number; ignored",
        "R.md:2: line range 48-42 ends before it starts; swapped",
    )


def test_location_heading_groups_its_paragraphs_and_code() -> None:
    (finding,) = parse(
        """\
        ## app/batch.py:42-48 — Unbounded gather
        issue (blocking): every request starts at once.

        ```python
        await asyncio.gather(*tasks)
        ```

        > quoted from the PR

        Use a semaphore.
        """
    )
    assert where(finding) == ("app/batch.py", 42, 48)
    assert (finding.label, finding.severity) == ("issue", "blocker")
    assert finding.body == (
        "Unbounded gather\n\nevery request starts at once.\n\nawait asyncio.gather(*tasks)"
        "\n\nquoted from the PR\n\nUse a semaphore."
    )
    assert finding.raw.startswith("## app/batch.py:42-48")
    assert finding.raw.endswith("Use a semaphore.")


def test_list_under_a_location_heading_inherits_its_location() -> None:
    first, second, own = parse(
        """\
        ## app/batch.py:42-48
        - no semaphore
        - no timeout either
        - app/retry.py:7: a location of its own
        """
    )
    assert where(first) == where(second) == ("app/batch.py", 42, 48)
    assert where(own) == ("app/retry.py", 7, None)


def test_unlocated_list_after_the_heading_text_inherits_too() -> None:
    text, item = parse("## app/batch.py:42\nThe gather is unbounded.\n\n- and has no timeout\n")
    assert where(text) == where(item) == ("app/batch.py", 42, None)


def test_list_of_own_locations_after_the_heading_text_is_independent() -> None:
    *_, unlocated, after = parse(DESIGN_EXAMPLE + "\nA closing remark.\n")
    assert where(unlocated) == where(after) == (None, None, None)


def test_heading_title_with_a_list_is_a_finding_and_items_inherit() -> None:
    title, item = parse("## app/batch.py:42 — unbounded gather\n- no semaphore\n")
    assert (title.body, item.body) == ("unbounded gather", "no semaphore")
    assert where(title) == where(item) == ("app/batch.py", 42, None)


def test_line_only_reference_points_into_the_section_file() -> None:
    first, second = parse("## app/batch.py:42\n- L60: off by one\n- lines 70-72: dead code\n")
    assert where(first) == ("app/batch.py", 60, None)
    assert where(second) == ("app/batch.py", 70, 72)


def test_file_heading_gives_its_path_to_everything_under_it() -> None:
    line, lines, plain, paragraph, elsewhere = parse(
        """\
        ## app/client.py
        - L12: wrong timeout
        - Lines 30-31 — retries forever
        - the module has no docstring

        Also the client is never closed.

        ## Other
        unrelated
        """
    )
    assert where(line) == ("app/client.py", 12, None)
    assert where(lines) == ("app/client.py", 30, 31)
    assert where(plain) == where(paragraph) == ("app/client.py", None, None)
    assert where(elsewhere) == (None, None, None)


def test_headings_without_location_are_titles() -> None:
    (finding,) = parse("# Review\n## Summary\nLooks fine overall.\n")
    assert finding.body == "Looks fine overall."
    assert finding.source_line == 3


def test_numbered_and_marked_headings_still_anchor() -> None:
    numbered, marked = parse("## 1. app/a.py:3 — first\n\n### [Nit] app/a.py:9\nrename\n")
    assert (where(numbered), numbered.body) == (("app/a.py", 3, None), "first")
    assert (where(marked), marked.severity, marked.body) == (("app/a.py", 9, None), "nit", "rename")


def test_marks_may_come_before_the_location() -> None:
    first, second = parse("- [blocker] app/a.py:3 - unbounded\n- **Major** — `app/b.py#L10`: x\n")
    assert (where(first), first.severity, first.body) == (
        ("app/a.py", 3, None),
        "blocker",
        "unbounded",
    )
    assert (where(second), second.severity, second.body) == (("app/b.py", 10, None), "major", "x")


def test_title_paragraph_acts_as_a_heading() -> None:
    grouped, inherited, plain = parse(
        """\
        **app/batch.py:42-48**

        issue (blocking): unbounded.

        More on it.

        **app/util.py**

        - L3: off by one
        - no tests
        """
    )
    assert where(grouped) == ("app/batch.py", 42, 48)
    assert grouped.body == "unbounded.\n\nMore on it."
    assert where(inherited) == ("app/util.py", 3, None)
    assert where(plain) == ("app/util.py", None, None)


def test_file_item_with_a_nested_list_groups_the_nested_items() -> None:
    one, two = parse("- app/x.py\n  - L1: one\n  - two\n")
    assert (where(one), one.body) == (("app/x.py", 1, None), "one")
    assert (where(two), two.body) == (("app/x.py", None, None), "two")
    assert two.raw == "- two"


def test_top_level_items_and_paragraphs_are_one_finding_each() -> None:
    item, paragraph, other = parse(
        """\
        - first point
          still the first point

          * nested detail

        A paragraph.

        Another paragraph.
        """
    )
    assert item.body == "first point still the first point\n\nnested detail"
    assert (paragraph.body, other.body) == ("A paragraph.", "Another paragraph.")
    assert [f.index for f in (item, paragraph, other)] == [0, 1, 2]
    assert [f.source_line for f in (item, paragraph, other)] == [1, 6, 8]


def test_code_block_and_quote_belong_to_the_finding_before() -> None:
    finding, quote = parse(
        """\
        app/batch.py:42: use a semaphore:

        ```python
        sem = asyncio.Semaphore(8)
        ```

        ---

        > a lone quote
        """
    )
    assert finding.body == "use a semaphore:\n\nsem = asyncio.Semaphore(8)"
    assert quote.body == "a lone quote"


def test_block_quote_inside_an_item_is_part_of_it() -> None:
    (finding,) = parse("- app/a.py:3: this line\n\n  > total = sum(x)\n\n  overflows\n")
    assert finding.body == "this line\n\ntotal = sum(x)\n\noverflows"


def test_horizontal_rule_separates() -> None:
    first, second = parse("app/a.py:1 one\n\n```\ncode\n```\n\n---\n\n```\nlone code\n```\n")
    assert first.body == "one\n\ncode"
    assert second.body == "lone code"


@pytest.mark.parametrize(
    ("heading", "severity"),
    [
        ("## Blockers", "blocker"),
        ("## Critical", "blocker"),
        ("### Major issues", "major"),
        ("## High priority", "major"),
        ("### Minor issues", "minor"),
        ("## Nits", "nit"),
        ("## Nitpicks", "nit"),
        ("**Blockers:**", "blocker"),
        ("Minor issues:", "minor"),
        ("## Non-blocking", None),
        ("## Blocking calls", None),
        ("## Major and minor", None),
        ("## High-level comments", None),
        ("## Summary", None),
    ],
)
def test_section_heading_gives_a_default_severity(heading: str, severity: str | None) -> None:
    (finding,) = parse(f"{heading}\n\n- the finding\n")
    assert finding.severity == severity


def test_section_severity_applies_to_nested_sections_until_a_sibling() -> None:
    nested, explicit, praise, after = parse(
        """\
        ## Blockers
        ### app/batch.py:42
        unbounded gather
        ### More
        - nit: but this one says nit
        - praise: nice tests
        ## Other
        - no default here
        """
    )
    assert nested.severity == "blocker"
    assert explicit.severity == "nit"
    assert praise.severity is None
    assert after.severity is None


def test_html_comments_are_ignored() -> None:
    review = parse_review_text(
        textwrap.dedent(
            """\
            <!-- Write one finding per bullet: path:line: comment -->
            ## app/batch.py:42
            <!-- the template's hint
            spanning lines -->
            - first <!-- inline remark --> finding
            - <!-- only a comment -->
            """
        ),
        "REVIEW.md",
    )
    (finding,) = review.findings
    assert finding.body == "first  finding"
    assert where(finding) == ("app/batch.py", 42, None)
    assert review.warnings == ()


def test_template_with_only_comments_has_no_findings() -> None:
    review = parse_review_text(
        textwrap.dedent(
            """\
            # Review of pr/batching

            <!--
            Write your findings below, one per bullet:
            - app/batch.py:42: issue (blocking): what is wrong and why
            -->

            ## Findings

            -

            <!-- end -->
            """
        ),
        "REVIEW.md",
    )
    assert review.findings == ()
    assert review.warnings == ()


def test_unclosed_comment_is_warned_about() -> None:
    review = parse_review_text("- kept\n\n<!-- never closed\n- hidden\n", "R.md")
    assert [f.body for f in review.findings] == ["kept"]
    assert review.warnings == ("R.md:3: HTML comment never closed (no -->): the rest is ignored",)


def test_location_without_text_is_dropped_with_a_warning() -> None:
    review = parse_review_text("- app/a.py:3\n- app/a.py:4: nitpick:\n- kept\n", "R.md")
    assert [f.body for f in review.findings] == ["kept"]
    assert review.findings[0].index == 0
    assert review.warnings == (
        "R.md:1: a location with no comment text; skipped",
        "R.md:2: a location with no comment text; skipped",
    )


def test_markdown_is_flattened_but_code_keeps_its_backticks() -> None:
    (finding,) = parse(
        "- **Bold** and *em*, [a link](https://x.test), ``a`b``, `getSummary`,  \n"
        "  ~~gone~~ &amp; \\*escaped\\*\n"
    )
    assert finding.body == "Bold and em, a link, ``a`b``, `getSummary`,\ngone & *escaped*"


def test_table_is_a_finding_of_its_own() -> None:
    (finding,) = parse("| file | comment |\n| --- | --- |\n| app/a.py | slow |\n")
    assert finding.body == "file | comment\napp/a.py | slow"


def test_raw_is_the_text_as_written() -> None:
    item, container_item = parse("Intro **bold**\ntext\n\n- app/x.py\n  - L1: `one`\n")
    assert item.raw == "Intro **bold**\ntext"
    assert item.body == "Intro bold text"
    assert container_item.raw == "- L1: `one`"
    assert container_item.source_line == 5


def test_a_short_word_of_the_reviewer_before_the_location_still_anchors() -> None:
    parsed = parse_review_text(
        "- **bug** `app/batch.py:55`: the semaphore is created per call.\n"
        "- Q: `settings.py:58` not sure about this one.\n"
    )
    first, second = parsed.findings
    assert (first.path, first.line) == ("app/batch.py", 55)
    assert "semaphore is created per call" in first.body
    assert (second.path, second.line) == ("settings.py", 58)


def test_a_location_in_the_first_line_after_a_title_anchors_the_finding() -> None:
    parsed = parse_review_text(
        "- The retry loop in app/batch.py:42 sleeps with time.sleep.\n"
        "1. **Blocking sleep** (app/batch.py, line 69)\n   It freezes the loop.\n"
    )
    first, second = parsed.findings
    assert (first.path, first.line) == ("app/batch.py", 42)
    assert first.body.startswith("The retry loop in app/batch.py:42")
    assert (second.path, second.line) == ("app/batch.py", 69)


def test_further_line_ranges_after_the_first_are_kept() -> None:
    parsed = parse_review_text(
        "- **`app/evals.py:56-61`, `:202`, `:243-252`**: issue: the results file.\n"
        "## app/kb.py:38-43, 158-171\nissue: the prompt.\n"
    )
    first, second = parsed.findings
    assert (first.line, first.end_line, first.more_lines) == (56, 61, ((202, 202), (243, 252)))
    assert first.label == "issue"
    assert (second.line, second.end_line, second.more_lines) == (38, 43, ((158, 171),))


def test_a_heading_that_states_a_problem_holds_its_paragraphs_as_one_finding() -> None:
    (finding,) = parse(
        """\
        ### The semaphore limits nothing

        It is created inside `summarize`, once per ticket.

        So all 187 requests go out together.
        """
    )
    assert finding.body.startswith("The semaphore limits nothing")
    assert "once per ticket" in finding.body and "187 requests" in finding.body
    assert where(finding) == (None, None, None)


def test_a_short_category_heading_keeps_its_paragraphs_apart() -> None:
    first, second = parse(
        """\
        ## Security

        The API key ends up in the report.

        The customer's email is logged.
        """
    )
    assert first.body == "The API key ends up in the report."
    assert second.body == "The customer's email is logged."


def test_a_problem_heading_takes_the_location_its_first_paragraph_starts_with() -> None:
    finding, other = parse(
        """\
        ### The retry loop freezes the event loop

        `app/batch.py:69` — time.sleep blocks every other ticket.

        app/batch.py:88: the backoff never honours Retry-After.
        """
    )
    assert where(finding) == ("app/batch.py", 69, None)
    assert finding.body.startswith("The retry loop freezes the event loop")
    assert where(other) == ("app/batch.py", 88, None)


def test_a_list_introduced_by_a_colon_belongs_to_the_problem_heading() -> None:
    checks, separate = parse(
        """\
        ### Refund rules live only in the prompt

        I would add checks before calling the shop:

        - the order belongs to the customer
        - the amount is at most what was paid

        Another paragraph.

        - a separate remark
        """
    )
    assert "belongs to the customer" in checks.body and "Another paragraph." in checks.body
    assert separate.body == "a separate remark"


def test_a_problem_heading_with_only_a_list_under_it_is_a_title() -> None:
    first, second = parse(
        """\
        ### Things I would change before merging

        - rename `getSummary`
        - drop the unused import
        """
    )
    assert first.body == "rename `getSummary`"
    assert second.body == "drop the unused import"


def test_a_labelled_problem_heading_holds_its_file_code_and_explanation() -> None:
    (finding,) = parse(
        """\
        ### 1. Blocker: the semaphore limits nothing

        `app/batch.py`

        ```python
        semaphore = asyncio.Semaphore(8)
        ```

        It is created per call, so every request goes out at once.
        """
    )
    assert where(finding) == ("app/batch.py", None, None)
    assert finding.severity == "blocker"
    assert "semaphore = asyncio.Semaphore(8)" in finding.body
    assert "every request goes out at once" in finding.body


def test_a_heading_naming_a_file_and_a_problem_holds_its_paragraphs() -> None:
    (finding,) = parse(
        """\
        ### app/llm.py: the new URL setting overrides the EU region (blocking)

        The URL always wins over the region.

        So every tool talks to the global endpoint.
        """
    )
    assert where(finding) == ("app/llm.py", None, None)
    assert "always wins" in finding.body and "global endpoint" in finding.body


@pytest.mark.parametrize("heading", ["## Minor issues", "## Blockers", "### Nits and style"])
def test_a_severity_heading_is_a_section_not_a_finding(heading: str) -> None:
    first, second = parse(f"{heading}\n\nThe first remark here.\n\nThe second remark here.\n")
    assert first.body == "The first remark here."
    assert second.body == "The second remark here."

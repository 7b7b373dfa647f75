"""JSON, YAML and GitHub review-comment exports."""

import json
import textwrap

from checker.review import Finding, parse_review_text


def where(finding: Finding) -> tuple[str | None, int | None, int | None]:
    return finding.path, finding.line, finding.end_line


def test_json_findings_object() -> None:
    text = json.dumps(
        {
            "findings": [
                {"body": "unbounded gather", "path": "./app/batch.py", "line": 42, "end_line": 48},
                {"body": "camelCase", "path": "app\\batch.py", "line": "88", "severity": "Nit"},
                {"body": "no location"},
            ]
        },
        indent=2,
    )
    review = parse_review_text(text, "review.json")
    assert (review.format, review.warnings) == ("json", ())
    gather, camel, bare = review.findings
    assert where(gather) == ("app/batch.py", 42, 48)
    assert (gather.index, gather.severity, gather.label, gather.raw) == (
        0,
        None,
        None,
        "unbounded gather",
    )
    assert (where(camel), camel.severity) == (("app/batch.py", 88, None), "nit")
    assert where(bare) == (None, None, None)
    assert [f.source_line for f in review.findings] == [3, 9, 15]


def test_json_bare_list_with_github_style_range_and_labels() -> None:
    text = """[
      {"body": "**issue (blocking):** every request at once", "start_line": 42, "line": 48},
      {"body": "praise: tidy", "label": "Praise", "severity": "low"},
      {"body": "plain", "label": "nit", "decorations": ["non-blocking"]}
    ]"""
    review = parse_review_text(text, "review.txt")
    assert review.format == "json"
    issue, praise, nit = review.findings
    assert where(issue) == (None, 42, 48)
    assert (issue.label, issue.severity, issue.body) == (
        "issue",
        "blocker",
        "every request at once",
    )
    assert (praise.label, praise.severity, praise.body) == ("praise", "minor", "tidy")
    assert (nit.label, nit.severity, nit.decorations) == ("nitpick", "nit", ("non-blocking",))
    assert [f.source_line for f in review.findings] == [2, 3, 4]


def test_severity_synonyms() -> None:
    words = ["critical", "blocking", "high", "important", "medium", "low", "trivial", "Blocker"]
    text = json.dumps([{"body": "x", "severity": word} for word in words])
    severities = [f.severity for f in parse_review_text(text, "r.json").findings]
    assert severities == [
        "blocker",
        "blocker",
        "major",
        "major",
        "minor",
        "minor",
        "nit",
        "blocker",
    ]


def test_json_problems_are_warnings() -> None:
    text = """{"findings": [
      {"path": "a.py"},
      "not an object",
      {"body": "   "},
      {"body": "x", "line": 0, "end_line": "abc", "severity": "urgent", "file": "z"},
      {"body": "y", "line": 9, "end_line": 3, "path": 7, "label": ["issue"]},
      {"body": "nitpick:"}
    ]}"""
    review = parse_review_text(text, "r.json")
    assert [(f.body, where(f)) for f in review.findings] == [
        ("x", (None, None, None)),
        ("y", (None, 3, 9)),
    ]
    assert [f.index for f in review.findings] == [0, 1]
    assert review.warnings == (
        "r.json:2: item 0 has no body; skipped",
        "r.json:3: item 1 is a string, not an object; skipped",
        "r.json:4: item 2 has no body; skipped",
        "r.json:5: item 3: unknown severity 'urgent' (use blocker, major, minor or nit); ignored",
        "r.json:5: item 3: 'end_line' is not a line number ('abc'); ignored",
        "r.json:5: item 3: line 0 is not a positive line number; ignored",
        "r.json:6: item 4: 'label' should be text, not a list; ignored",
        "r.json:6: item 4: 'path' should be text, not a number; ignored",
        "r.json:6: item 4: line range 9-3 ends before it starts; swapped",
        "r.json:7: item 5 has only a label for a body; skipped",
        "r.json:5: unknown key 'file' ignored (1 item)",
    )


def test_yaml_findings() -> None:
    text = textwrap.dedent(
        """\
        # my review
        findings:
          - body: unbounded gather
            path: app/batch.py
            line: 42
            end_line: 48
            severity: critical
          - body: |
              nitpick: `getSummary` should be snake_case
            line: 88
        """
    )
    for name in ("review.yaml", "review.yml", "review", "review.txt"):
        review = parse_review_text(text, name)
        assert review.format == "yaml", name
        gather, nit = review.findings
        assert (where(gather), gather.severity) == (("app/batch.py", 42, 48), "blocker")
        assert (nit.label, nit.severity, nit.line) == ("nitpick", "nit", 88)
        assert nit.body == "`getSummary` should be snake_case"
        assert [gather.source_line, nit.source_line] == [3, 8]


def test_yaml_bare_list() -> None:
    review = parse_review_text("- body: one\n  line: 3\n- body: two\n", "r.yaml")
    assert [(f.body, f.line, f.source_line) for f in review.findings] == [
        ("one", 3, 1),
        ("two", None, 3),
    ]


def test_markdown_is_never_taken_for_yaml() -> None:
    for text in (
        "- body: looks like a YAML key\n",
        "issue (blocking): every request\n",
        "## app/a.py:1\nkey: value\n",
        "- path: a.py\n  note: not a finding key\n",
    ):
        assert parse_review_text(text, "review").format == "markdown", text
    assert parse_review_text("- body: x\n", "REVIEW.md").findings[0].body == "body: x"


GITHUB_EXPORT = [
    {
        "id": 1,
        "pull_request_review_id": 10,
        "diff_hunk": "@@ -40,6 +40,9 @@",
        "path": "app/batch.py",
        "start_line": None,
        "original_start_line": 42,
        "line": None,
        "original_line": 48,
        "user": {"login": "candidate"},
        "body": "**issue (blocking):** every request at once\n\n"
        "```suggestion\nasync with sem:\n```",
    },
    {
        "id": 2,
        "diff_hunk": "@@",
        "path": "app/batch.py",
        "start_line": 86,
        "line": 88,
        "original_line": 80,
        "body": "nitpick: `getSummary`",
    },
    {"id": 3, "diff_hunk": "@@", "path": "app/x.py", "line": 5, "body": "Major: _private_ name"},
]


def test_github_export() -> None:
    review = parse_review_text(json.dumps(GITHUB_EXPORT, indent=2), "comments.json")
    assert (review.format, review.warnings) == ("github", ())
    outdated, nitpick, major = review.findings
    assert where(outdated) == ("app/batch.py", 42, 48)
    assert (outdated.label, outdated.severity) == ("issue", "blocker")
    assert outdated.body == "every request at once\n\nasync with sem:"
    assert outdated.raw == GITHUB_EXPORT[0]["body"]
    assert where(nitpick) == ("app/batch.py", 86, 88)
    assert (nitpick.severity, nitpick.body) == ("nit", "`getSummary`")
    assert (major.severity, major.body) == ("major", "private name")
    assert [f.source_line for f in review.findings] == [2, 16, 25]


def test_github_comments_object() -> None:
    text = json.dumps({"comments": [{"path": "a.py", "line": 3, "body": "x"}]})
    review = parse_review_text(text, "export")
    assert review.format == "github"
    assert where(review.findings[0]) == ("a.py", 3, None)


def test_empty_lists() -> None:
    for text, expected in (("[]", "json"), ('{"findings": []}', "json"), ("findings: []", "yaml")):
        review = parse_review_text(text, "r.yaml" if expected == "yaml" else "r.json")
        assert (review.findings, review.format) == ((), expected)
    assert parse_review_text('{"comments": []}', "r.json").format == "github"

"""Reading review files: format detection, empty files and every error."""

from pathlib import Path

import pytest

from checker.errors import UsageError
from checker.review import FORMATS, ParsedReview, parse_review, parse_review_text


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(UsageError) as caught:
        parse_review(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    return message[len(str(path)) :]


def test_reads_a_markdown_file(tmp_path: Path) -> None:
    path = write(tmp_path, "REVIEW.md", "- app/a.py:3: nit: rename\n")
    review = parse_review(path)
    assert review.format == "markdown"
    assert [(f.path, f.line, f.severity) for f in review.findings] == [("app/a.py", 3, "nit")]
    assert parse_review(str(path)) == review


@pytest.mark.parametrize("name", ["REVIEW.md", "review.json", "review.yaml", "review"])
@pytest.mark.parametrize("content", ["", "  \n\n\t\n", "\ufeff"])
def test_empty_file_has_no_findings(tmp_path: Path, name: str, content: str) -> None:
    review = parse_review(write(tmp_path, name, content))
    assert (review.findings, review.warnings) == ((), ())
    assert review.format in FORMATS


def test_byte_order_mark_and_crlf_line_ends(tmp_path: Path) -> None:
    path = write(tmp_path, "REVIEW.md", b"\xef\xbb\xbf## app/a.py:3\r\ntext\r\n\r\n- other\r\n")
    first, second = parse_review(path).findings
    assert (first.path, first.line, first.body, first.raw) == (
        "app/a.py",
        3,
        "text",
        "## app/a.py:3\ntext",
    )
    assert (second.source_line, second.body) == (4, "other")


def test_missing_file(tmp_path: Path) -> None:
    assert error_of(tmp_path / "nope.md") == ": no such review file"


def test_directory(tmp_path: Path) -> None:
    assert error_of(tmp_path) == ": is a directory, not a review file"


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "REVIEW.md", "text")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert error_of(path) == ": cannot read the review file (Permission denied)"


def test_binary_file(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "REVIEW.md", b"\x89PNG\r\n\x1a\n\x00\x00"))
    assert message == ": binary file (contains NUL bytes); a review is Markdown, JSON or YAML text"


def test_latin1_file(tmp_path: Path) -> None:
    content = "- ok\n- caf\u00e9 au lait\n".encode("latin-1")
    message = error_of(write(tmp_path, "REVIEW.md", content))
    assert message == ":2: not UTF-8 text (byte 0xe9); save the review as UTF-8"


@pytest.mark.parametrize("name", ["review.json", "review.txt", "review"])
def test_invalid_json_names_the_line(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, '{"findings": [\n  {"body": "x",}\n]}\n')
    message = error_of(path)
    assert message == ":2:16: invalid JSON: Expecting property name enclosed in double quotes"


def test_json_name_requires_json(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "review.json", "- app/a.py:3: looks like Markdown\n"))
    assert message.startswith(":1:1: invalid JSON: ")


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "review.yaml", "findings:\n  - body: x\n   line: 3\n"))
    assert message.startswith(":3: invalid YAML: ")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "r.json",
            '{"notes": []}',
            ': expected a list of findings or an object with a "findings" list;'
            " the object has keys: notes",
        ),
        (
            "r.json",
            '"just text"',
            ': expected a list of findings or an object with a "findings" list, not a string',
        ),
        (
            "r.json",
            "[1, 2]",
            ': expected a list of findings or an object with a "findings" list;'
            " the list holds a number, not objects",
        ),
        ("r.json", '{"findings": {"body": "x"}}', ': "findings" should be a list, not an object'),
        (
            "r.yaml",
            "title: my review\n",
            ': expected a list of findings or an object with a "findings" list;'
            " the object has keys: title",
        ),
        (
            "r.yml",
            "just a sentence\n",
            ': expected a list of findings or an object with a "findings" list, not a string',
        ),
    ],
)
def test_wrong_shape(tmp_path: Path, name: str, content: str, expected: str) -> None:
    assert error_of(write(tmp_path, name, content)) == expected


def test_parse_review_text_rejects_nul_and_names_the_file() -> None:
    with pytest.raises(UsageError, match=r"^<review>: binary file"):
        parse_review_text("a\x00b")
    with pytest.raises(UsageError, match=r"^mine.json:1:1: invalid JSON"):
        parse_review_text("nope", "mine.json")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("REVIEW.md", '[{"body": "x"}]', "json"),
        ("REVIEW.md", '[{"comments": 1}]', "markdown"),
        ("REVIEW.md", "[1]", "markdown"),
        ("REVIEW.md", "findings:\n  - body: x\n    line: 3\n", "markdown"),
        ("review", "findings:\n  - body: x\n    line: 3\n", "yaml"),
        ("review.yaml", '{"findings": [{"body": "x"}]}', "json"),
        ("review", "[x] done, see the notes\n", "markdown"),
        ("review", "[link](https://x.test) is broken\n", "markdown"),
        ("review", "{curly} text\n", "markdown"),
    ],
)
def test_format_detection(name: str, content: str, expected: str) -> None:
    review: ParsedReview = parse_review_text(content, name)
    assert review.format == expected

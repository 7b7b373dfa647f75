"""Loading answer keys: the full kit format and an interviewer's plain list."""

from pathlib import Path

import pytest

from checker.errors import UsageError
from checker.key import load_key

PLAIN = """
[[issue]]
id = "no-timeout"
severity = "major"
description = "Requests have no timeout, so one stuck call hangs the batch."

[[issue]]
id = "bad-name"
severity = "nit"
title = "camelCase function name"
"""

FULL = """
[[issue]]
id = "unbounded-gather"
title = "All requests fired at once"
severity = "blocker"
category = "async"
explanation = "Why."
fix = "How."
hints = ["vague", "pointed"]
proof = "proofs/test_x.py::test_y"
[[issue.locations]]
path = "app/batch.py"
lines = [42, 48]
anchor = "asyncio.gather(*tasks)"
[issue.match]
concepts = [["gather", "all at once"], ["limit", "Semaphore"]]

[[decoy]]
id = "sorted-copy"
why_fine = "It is a copy on purpose."
[[decoy.locations]]
path = "app/batch.py"
lines = [60, 61]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "issues.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_plain_issue_list_loads_with_title_from_description(tmp_path: Path) -> None:
    key = load_key(write(tmp_path, PLAIN))
    assert [i.id for i in key.issues] == ["no-timeout", "bad-name"]
    assert (
        key.issue("no-timeout").title
        == "Requests have no timeout, so one stuck call hangs the batch"
    )
    assert key.issue("bad-name").locations == ()
    assert key.issue("bad-name").proof_is_static


def test_a_title_taken_from_a_description_keeps_dotted_code_names(tmp_path: Path) -> None:
    text = '[[issue]]\nid = "s"\nseverity = "major"\ndescription = "time.sleep blocks. More."\n'
    assert load_key(write(tmp_path, text)).issue("s").title == "time.sleep blocks"


def test_full_issue_loads_locations_concepts_and_decoys(tmp_path: Path) -> None:
    key = load_key(write(tmp_path, FULL))
    issue = key.issue("unbounded-gather")
    assert issue.locations[0].path == "app/batch.py"
    assert (issue.locations[0].start, issue.locations[0].end) == (42, 48)
    assert issue.concepts == (("gather", "all at once"), ("limit", "semaphore"))
    assert not issue.proof_is_static
    assert key.decoys[0].id == "sorted-copy"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[issue]]\nseverity = "nit"\ntitle = "x"\n', "needs an 'id'"),
        ('[[issue]]\nid = "a"\nseverity = "huge"\ntitle = "x"\n', "severity must be one of"),
        ('[[issue]]\nid = "a"\nseverity = "nit"\n', "needs a 'title' or a 'description'"),
        ('[[issue]]\nid = "a"\nseverity = "nit"\ntitle = "x"\n' * 2, "used twice"),
        ("[[issue]\n", "invalid TOML"),
        ("", "no [[issue]] entries"),
        (
            '[[issue]]\nid = "a"\nseverity = "nit"\ntitle = "x"\n'
            '[[issue.locations]]\npath = "a.py"\nlines = [9, 3]\n',
            "ends before it starts",
        ),
    ],
)
def test_mistakes_are_reported_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=r"issues\.toml") as caught:
        load_key(write(tmp_path, text))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_and_directory_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load_key(tmp_path / "absent.toml")
    with pytest.raises(UsageError, match="is a directory"):
        load_key(tmp_path)

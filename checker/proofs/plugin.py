"""pytest plugin loaded when proofs run: puts the variant tree on sys.path, offers fixtures.

Fixtures:
    tree          Path of the tree under test (the PR or the fixed version)
    variant       "pr" or "fixed"
    fake_mistral  a FakeMistral, mounted: every Mistral SDK client talks to it in-process
"""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.fakeapi import FakeMistral


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("prkit")
    group.addoption("--prkit-tree", default=None, help="tree (PR or fixed) the proofs run against")
    group.addoption("--prkit-variant", default="pr", help="name of that tree: pr or fixed")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "issue(id): the answer-key issue a proof demonstrates")
    tree = config.getoption("--prkit-tree")
    if tree:
        sys.path.insert(0, str(Path(tree).resolve()))


@pytest.fixture
def tree(request: pytest.FixtureRequest) -> Path:
    value = request.config.getoption("--prkit-tree")
    if not value:
        pytest.fail("proofs need --prkit-tree (run them with `prkit proofs SLUG`)")
    return Path(str(value)).resolve()


@pytest.fixture
def variant(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--prkit-variant"))


@pytest.fixture
def fake_mistral(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeMistral]:
    monkeypatch.setenv("MISTRAL_API_KEY", "test-key")
    fake = FakeMistral()
    with fake.mount():
        yield fake


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Record each proof's issue id so the runner can read it from the JUnit report."""
    for item in items:
        for marker in item.iter_markers("issue"):
            item.user_properties.append(("issue", str(marker.args[0])))

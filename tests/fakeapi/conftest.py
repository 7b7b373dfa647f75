"""Fixtures: a mounted fake and an SDK client using the default server URL."""

from collections.abc import Iterator

import pytest
from mistralai.client import Mistral

from checker.fakeapi import FakeMistral


@pytest.fixture
def fake() -> Iterator[FakeMistral]:
    fake = FakeMistral()
    with fake.mount():
        yield fake


@pytest.fixture(scope="session")
def sdk() -> Mistral:
    """One client for the session: building one costs ~80 ms (TLS context)."""
    return Mistral(api_key="test-key")


@pytest.fixture
def client(fake: FakeMistral, sdk: Mistral) -> Mistral:
    """The SDK client, used while ``fake`` is mounted."""
    return sdk

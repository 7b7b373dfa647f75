from __future__ import annotations

import pytest

from helpdesk.settings import Settings
from helpdesk.testing import StubChat


@pytest.fixture
def settings() -> Settings:
    return Settings(api_key="test-key", retry_initial_ms=1, retry_budget_ms=1_000)


@pytest.fixture
def stub() -> StubChat:
    return StubChat()

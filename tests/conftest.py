"""Shared fixtures: every test records progress in its own temporary data directory."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_history(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    folder = tmp_path_factory.mktemp("prkit-data")
    monkeypatch.setenv("PRKIT_DATA_DIR", str(folder))
    return folder

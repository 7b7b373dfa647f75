"""Shared fixtures: every test records progress in its own temporary data directory."""

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from checker.cli import main


@pytest.fixture(autouse=True)
def isolated_history(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    folder = tmp_path_factory.mktemp("prkit-data")
    monkeypatch.setenv("PRKIT_DATA_DIR", str(folder))
    return folder


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def prkit(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run the `prkit` entry point in-process: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["prkit", *args])
        code = 0
        try:
            main()
        except SystemExit as exited:
            code = exited.code if isinstance(exited.code, int) else 0
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run

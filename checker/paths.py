"""Where the kit's exercises and answer keys live."""

import os
from pathlib import Path


def kit_root() -> Path:
    """The folder holding `exercises/` and `solutions/` (PRKIT_HOME overrides)."""
    override = os.environ.get("PRKIT_HOME")
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parent.parent


def exercises_dir() -> Path:
    return kit_root() / "exercises"


def solutions_dir() -> Path:
    return kit_root() / "solutions"

"""Runtime settings, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

SERVERS = ("eu", "us", "global")


class SettingsError(ValueError):
    """A setting is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    """Everything the helpdesk reads from the environment.

    The API key is kept out of ``repr()`` so a Settings object can be logged.
    """

    api_key: str = field(repr=False)
    chat_model: str = "mistral-small-latest"
    mistral_server: str = "eu"
    mistral_url: str = "https://api.mistral.ai"
    request_timeout_ms: int = 30_000
    max_concurrency: int = 8
    retry_initial_ms: int = 500
    retry_budget_ms: int = 60_000


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from ENVIRON (default: the process environment)."""
    env = os.environ if environ is None else environ
    api_key = env.get("MISTRAL_API_KEY", "").strip()
    if not api_key:
        raise SettingsError("MISTRAL_API_KEY is not set")
    server = env.get("HELPDESK_MISTRAL_SERVER", "eu")
    if server not in SERVERS:
        raise SettingsError(f"HELPDESK_MISTRAL_SERVER must be one of {SERVERS}, got {server!r}")
    return Settings(
        api_key=api_key,
        chat_model=env.get("HELPDESK_CHAT_MODEL", "mistral-small-latest"),
        mistral_server=server,
        mistral_url=env.get("HELPDESK_MISTRAL_URL", "https://api.mistral.ai"),
        request_timeout_ms=_int(env, "HELPDESK_REQUEST_TIMEOUT_MS", 30_000),
        max_concurrency=_int(env, "HELPDESK_MAX_CONCURRENCY", 8),
        retry_initial_ms=_int(env, "HELPDESK_RETRY_INITIAL_MS", 500),
        retry_budget_ms=_int(env, "HELPDESK_RETRY_BUDGET_MS", 60_000),
    )

from __future__ import annotations

import pytest

from helpdesk.settings import SettingsError, load_settings


def test_defaults() -> None:
    settings = load_settings({"MISTRAL_API_KEY": "k-123"})
    assert settings.api_key == "k-123"
    assert settings.mistral_server == "eu"
    assert settings.max_concurrency == 8
    assert settings.mistral_url is None  # the region decides


def test_mistral_url_points_the_client_at_a_mock() -> None:
    env = {"MISTRAL_API_KEY": "k-123", "HELPDESK_MISTRAL_URL": "http://127.0.0.1:8089"}
    assert load_settings(env).mistral_url == "http://127.0.0.1:8089"
    assert load_settings({**env, "HELPDESK_MISTRAL_URL": ""}).mistral_url is None


def test_overrides() -> None:
    settings = load_settings(
        {
            "MISTRAL_API_KEY": "k-123",
            "HELPDESK_MISTRAL_SERVER": "us",
            "HELPDESK_MAX_CONCURRENCY": "3",
            "HELPDESK_REQUEST_TIMEOUT_MS": "5000",
        }
    )
    assert (settings.mistral_server, settings.max_concurrency) == ("us", 3)
    assert settings.request_timeout_ms == 5000


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"MISTRAL_API_KEY": "  "},
        {"MISTRAL_API_KEY": "k", "HELPDESK_MISTRAL_SERVER": "mars"},
        {"MISTRAL_API_KEY": "k", "HELPDESK_MAX_CONCURRENCY": "0"},
        {"MISTRAL_API_KEY": "k", "HELPDESK_REQUEST_TIMEOUT_MS": "soon"},
    ],
)
def test_rejects_bad_environment(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        load_settings(env)


def test_repr_hides_the_key() -> None:
    assert "k-secret" not in repr(load_settings({"MISTRAL_API_KEY": "k-secret"}))

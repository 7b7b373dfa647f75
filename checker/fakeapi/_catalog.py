"""The models the fake knows, as ``GET /v1/models`` lists them (``BaseModelCard`` shape)."""

from __future__ import annotations

from typing import Any

_CREATED = 1735689600  # 2025-01-01, fixed so the listing is deterministic

# id, max_context_length, aliases, capabilities
_CHAT: list[tuple[str, int, list[str], dict[str, bool]]] = [
    ("mistral-small-latest", 32768, ["mistral-small-2501", "mistral-small-2503"], {}),
    ("mistral-medium-latest", 32768, ["mistral-medium-2505"], {}),
    ("mistral-large-latest", 131072, ["mistral-large-2411", "mistral-large-2407"], {}),
    ("ministral-8b-latest", 131072, ["ministral-8b-2410"], {}),
    ("ministral-3b-latest", 131072, ["ministral-3b-2410"], {}),
    ("open-mistral-nemo", 131072, ["open-mistral-nemo-2407"], {}),
    ("codestral-latest", 32768, ["codestral-2501"], {"completion_fim": True}),
    ("pixtral-large-latest", 131072, ["pixtral-large-2411"], {"vision": True}),
]
_EMBED: list[tuple[str, int, list[str]]] = [
    ("mistral-embed", 8192, ["mistral-embed-2312"]),
    ("codestral-embed", 8192, ["codestral-embed-2505"]),
]


def _card(model_id: str, context: int, aliases: list[str], caps: dict[str, bool]) -> dict[str, Any]:
    capabilities = {
        "completion_chat": False,
        "completion_fim": False,
        "function_calling": False,
        "fine_tuning": False,
        "vision": False,
        "classification": False,
    } | caps
    return {
        "id": model_id,
        "object": "model",
        "created": _CREATED,
        "owned_by": "mistralai",
        "capabilities": capabilities,
        "name": model_id,
        "description": f"Fake {model_id} served by prkit",
        "max_context_length": context,
        "aliases": aliases,
        "deprecation": None,
        "default_model_temperature": 0.3 if capabilities["completion_chat"] else None,
        "type": "base",
    }


CHAT_MODELS = frozenset(name for m, _, al, _ in _CHAT for name in [m, *al])
EMBEDDING_MODELS = frozenset(name for m, _, al in _EMBED for name in [m, *al])


def model_list() -> dict[str, Any]:
    """The ``ModelList`` payload."""
    chat_caps = {"completion_chat": True, "function_calling": True}
    cards = [_card(m, ctx, al, chat_caps | caps) for m, ctx, al, caps in _CHAT]
    cards += [_card(m, ctx, al, {}) for m, ctx, al in _EMBED]
    return {"object": "list", "data": cards}

"""Minimal request validation producing FastAPI-style ``detail`` items, as the API does."""

from __future__ import annotations

import json
from typing import Any

Detail = list[dict[str, Any]]

_ROLES = ("system", "user", "assistant", "tool")


def parse_body(raw: bytes) -> tuple[Any, Detail]:
    """Decode a JSON body; the second item lists errors (empty when the body is valid)."""
    if not raw:
        return None, [_item("missing", ["body"], "Field required", None)]
    try:
        return json.loads(raw), []
    except json.JSONDecodeError as exc:
        return None, [_item("json_invalid", ["body", exc.pos], "JSON decode error", {})]
    except UnicodeDecodeError:
        return None, [_item("json_invalid", ["body", 0], "JSON decode error", {})]


def validate_chat(body: Any) -> Detail:
    """Errors for a chat completion request body."""
    if not isinstance(body, dict):
        return [_not_object(["body"], body)]
    errors = _required_str(body, "model")
    messages = body.get("messages")
    if "messages" not in body:
        errors.append(_item("missing", ["body", "messages"], "Field required", body))
    elif not isinstance(messages, list):
        msg = "Input should be a valid list"
        errors.append(_item("list_type", ["body", "messages"], msg, messages))
    elif not messages:
        msg = "List should have at least 1 item after validation, not 0"
        errors.append(_item("too_short", ["body", "messages"], msg, messages))
    else:
        for index, message in enumerate(messages):
            errors += _message_errors(index, message)
    max_tokens = body.get("max_tokens")
    if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(max_tokens, int)):
        msg = "Input should be a valid integer"
        errors.append(_item("int_type", ["body", "max_tokens"], msg, max_tokens))
    stream = body.get("stream")
    if stream is not None and not isinstance(stream, bool):
        msg = "Input should be a valid boolean"
        errors.append(_item("bool_type", ["body", "stream"], msg, stream))
    return errors


def validate_embeddings(body: Any) -> Detail:
    """Errors for an embeddings request body (``input``: a string or a list of strings)."""
    if not isinstance(body, dict):
        return [_not_object(["body"], body)]
    errors = _required_str(body, "model")
    if "input" not in body:
        errors.append(_item("missing", ["body", "input"], "Field required", body))
        return errors
    inputs = body["input"]
    if isinstance(inputs, list):
        for index, text in enumerate(inputs):
            if not isinstance(text, str):
                loc: list[str | int] = ["body", "input", index]
                errors.append(_item("string_type", loc, "Input should be a valid string", text))
    elif not isinstance(inputs, str):
        msg = "Input should be a valid string"
        errors.append(_item("string_type", ["body", "input"], msg, inputs))
    return errors


def _message_errors(index: int, message: Any) -> Detail:
    loc: list[str | int] = ["body", "messages", index]
    if not isinstance(message, dict):
        return [_not_object(loc, message)]
    role = message.get("role")
    if role is None:
        msg = "Unable to extract tag using discriminator 'role'"
        return [_item("union_tag_not_found", loc, msg, message)]
    if role not in _ROLES:
        expected = ", ".join(f"'{r}'" for r in _ROLES)
        msg = f"Input tag '{role}' found using 'role' does not match any of the expected tags: "
        msg += expected
        return [_item("union_tag_invalid", loc, msg, message)]
    return []


def _required_str(body: dict[str, Any], key: str) -> Detail:
    if key not in body:
        return [_item("missing", ["body", key], "Field required", body)]
    if not isinstance(body[key], str):
        return [_item("string_type", ["body", key], "Input should be a valid string", body[key])]
    return []


def _not_object(loc: list[str | int], value: Any) -> dict[str, Any]:
    msg = "Input should be a valid dictionary or object to extract fields from"
    return _item("model_attributes_type", loc, msg, value)


def _item(type_: str, loc: list[str | int], msg: str, value: Any) -> dict[str, Any]:
    return {"type": type_, "loc": loc, "msg": msg, "input": value}

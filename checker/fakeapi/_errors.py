"""Error responses in the shapes the real Mistral API uses.

What was verified, and where:

* Uniform error body ``{"object": "error", "message", "type", "param", "code"}`` with the
  types ``invalid_request_error``, ``authentication_error``, ``rate_limit_error`` and
  ``server_error``: Mistral's error glossary (docs.mistral.ai/resources/error-glossary).
* 429 rate limit: ``{"object":"error","message":"Rate limit exceeded","type":"rate_limited",
  "param":null,"code":"1300"}`` as returned by api.mistral.ai in 2026 (GitHub issues
  cline/cline#9085, raycast/extensions#31107; older answers were
  ``{"message":"Requests rate limit exceeded"}``, pydantic/pydantic-ai#1885).
  ``Retry-After`` on 429s: third-party guides (skills.sh "mistral-rate-limits", lobehub
  "mistral-common-errors"); Mistral's known-limitations page only names
  ``X-RateLimit-Remaining``. The SDK's ``utils/retries.py`` reads ``Retry-After`` as
  (fractional) seconds or an HTTP date, and ``retry-after-ms``.
* 400 unknown model: ``{"object":"error","message":"Invalid model: X","type":"invalid_model",
  "param":null,"code":"1500"}`` (tmc/langchaingo#1233, mistralai/mistral-vibe#617).
* 400 bad request: ``type "invalid_request_error"``, ``code null``, e.g. "Expected last role
  User or Tool (or Assistant with prefix True) for serving but got assistant"
  (NEKOparapa/AiNiee#641, solbrowse/extension#16).
* 400 too many embedding inputs: message "Too many inputs in request, split into more
  batches.", code ``"3210"`` (raphaelmansuy/edgequake-llm#74) and type
  ``invalid_request_prompt`` (chroma-core/chroma#5597).
* 422 request validation: FastAPI's ``{"detail": [{"type", "loc", "msg", "input"}]}``
  (Gitlawb/openclaude#739), which is what the SDK parses as ``HTTPValidationError``.
* 401: real answers seen are ``{"detail":"Unauthorized"}`` and
  ``{"message":"Unauthorized","request_id":...}``; the fake uses the documented uniform
  shape with ``type "authentication_error"`` and message "Unauthorized".
* Oversized request bodies: no Mistral-specific answer was found, so the fake answers
  400 ``invalid_request_error`` (documented deviation; a gateway might answer 413).
"""

from __future__ import annotations

import math
from http import HTTPStatus
from typing import Any

from starlette.responses import JSONResponse


def error_body(
    message: str, type_: str, code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    """The uniform Mistral error object."""
    return {"object": "error", "message": message, "type": type_, "param": param, "code": code}


def error_response(
    status: int,
    message: str,
    type_: str,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A JSON error response with the uniform body."""
    return JSONResponse(error_body(message, type_, code), status_code=status, headers=headers)


def format_retry_after(seconds: float) -> str:
    """``Retry-After`` value: an integer string when whole, else the decimal seconds."""
    if seconds == math.floor(seconds):
        return str(int(seconds))
    return f"{seconds:g}"


def rate_limited(retry_after: float) -> JSONResponse:
    """429 as api.mistral.ai answers it, with ``Retry-After``."""
    return error_response(
        429,
        "Rate limit exceeded",
        "rate_limited",
        "1300",
        headers={"retry-after": format_retry_after(retry_after)},
    )


def status_error(status: int, retry_after: float) -> JSONResponse:
    """An injected failure with the body the real API uses for that status class."""
    if status == 429:
        return rate_limited(retry_after)
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    if status == 401:
        return error_response(status, "Unauthorized", "authentication_error")
    if status >= 500:
        return error_response(status, phrase, "server_error")
    return error_response(status, phrase, "invalid_request_error")


def validation_error(detail: list[dict[str, Any]]) -> JSONResponse:
    """422 in the FastAPI shape the SDK parses into ``HTTPValidationError``."""
    return JSONResponse({"detail": detail}, status_code=422)

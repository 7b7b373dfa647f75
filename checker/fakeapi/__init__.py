"""A fake of the Mistral AI REST API for proofs, in-process or served on loopback.

``FakeMistral().mount()`` routes every httpx / httpx2 client (so the real ``mistralai``
SDK) for ``api.mistral.ai``, ``api.eu.mistral.ai``, ``api.us.mistral.ai`` and
``fake-mistral.test`` to the fake's Starlette app and refuses every other host, except
those given an ASGI app of their own with ``FakeMistral.route(host, app)``.
Endpoints: ``POST /v1/chat/completions`` (JSON and SSE), ``POST /v1/embeddings``,
``GET /v1/models``. Content is deterministic (see ``default_reply`` and ``embed_text``);
faults (``Faults``) inject latency, 429s with ``Retry-After``, 5xx and size limits,
and pace streamed chunks (``stream_delay``).
"""

from ._content import EMBEDDING_DIM, Reply, default_reply, embed_text
from ._fake import FakeMistral
from ._faults import Faults
from ._mount import MISTRAL_HOSTS
from ._serve import serve
from ._state import RecordedRequest

__all__ = [
    "EMBEDDING_DIM",
    "MISTRAL_HOSTS",
    "FakeMistral",
    "Faults",
    "RecordedRequest",
    "Reply",
    "default_reply",
    "embed_text",
    "serve",
]

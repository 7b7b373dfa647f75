"""Serve the fake Mistral API on loopback with uvicorn."""

from __future__ import annotations

import ipaddress

import uvicorn

from ._fake import FakeMistral
from ._faults import Faults


def serve(port: int = 8787, host: str = "127.0.0.1", faults: Faults | None = None) -> None:
    """Run the fake on ``http://host:port`` until interrupted (blocking; loopback only)."""
    if not _is_loopback(host):
        raise ValueError(f"the fake Mistral API only serves on loopback, not {host!r}")
    uvicorn.run(FakeMistral(faults=faults).app, host=host, port=port, log_level="info")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

"""route(): other hosts served by ASGI apps of their own while the fake is mounted."""

import asyncio
from typing import Any

import httpx
import httpx2
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from checker.fakeapi import FakeMistral

HOST = "help.example.com"
AUTH = {"authorization": "Bearer k"}


def echo_app(seen: list[str]) -> Starlette:
    async def article(request: Request) -> JSONResponse:
        seen.append(f"{request.method} {request.url.path}?{request.url.query}")
        if request.path_params["number"] == 404:
            return JSONResponse({"error": "RecordNotFound"}, status_code=404)
        return JSONResponse({"id": request.path_params["number"], "host": request.url.hostname})

    return Starlette(routes=[Route("/articles/{number:int}", article)])


@pytest.mark.parametrize("lib", [httpx, httpx2], ids=["httpx", "httpx2"])
def test_a_routed_host_reaches_its_app_from_sync_and_async_clients(lib: Any) -> None:
    seen: list[str] = []
    fake = FakeMistral()
    fake.route(HOST, echo_app(seen))
    with fake.mount():
        with lib.Client() as http:
            sync_body = http.get(f"https://{HOST}/articles/7?lang=en").json()

        async def main() -> Any:
            async with lib.AsyncClient(base_url=f"https://{HOST}") as http:
                return (await http.get("/articles/404")).status_code

        assert asyncio.run(main()) == 404
    assert sync_body == {"id": 7, "host": HOST}
    assert seen == ["GET /articles/7?lang=en", "GET /articles/404?"]
    assert fake.requests == [], "requests to a routed host are not logged as Mistral requests"


def test_routes_can_change_while_mounted_and_other_hosts_stay_refused(
    fake: FakeMistral,
) -> None:
    seen: list[str] = []
    with httpx2.Client() as http:
        with pytest.raises(httpx2.ConnectError, match=r"help\.example\.com"):
            http.get(f"https://{HOST}/articles/1")
        fake.route(HOST, echo_app(seen))
        assert http.get(f"https://{HOST}/articles/1").status_code == 200
        with pytest.raises(httpx2.ConnectError, match=r"other\.example\.com"):
            http.get("https://other.example.com/articles/1")
        assert http.get("https://api.mistral.ai/v1/models", headers=AUTH).status_code == 200
        fake.route(HOST, None)
        with pytest.raises(httpx2.ConnectError, match=r"help\.example\.com"):
            http.get(f"https://{HOST}/articles/1")
    assert seen == ["GET /articles/1?"]
    assert [r.path for r in fake.requests] == ["/v1/models"]


def test_a_routed_app_that_is_too_slow_times_out() -> None:
    async def slow(request: Request) -> JSONResponse:
        await asyncio.sleep(1.0)
        return JSONResponse({})

    fake = FakeMistral()
    fake.route(HOST, Starlette(routes=[Route("/", slow)]))

    async def main() -> None:
        async with httpx2.AsyncClient(timeout=0.05) as http:
            await http.get(f"https://{HOST}/")

    with fake.mount(), pytest.raises(httpx2.ReadTimeout):
        asyncio.run(main())


def test_mistral_hosts_cannot_be_rerouted() -> None:
    with pytest.raises(ValueError, match=r"api\.mistral\.ai"):
        FakeMistral().route("api.mistral.ai", echo_app([]))

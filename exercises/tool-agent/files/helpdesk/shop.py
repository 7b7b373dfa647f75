"""Client for the shop's admin API: look up orders and refund them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2

from helpdesk.settings import Settings, SettingsError

SHOP_TIMEOUT_S = 10.0


class ShopError(Exception):
    """The shop API refused or failed a request."""


class OrderNotFound(ShopError):
    """There is no order with that id."""


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    customer_email: str
    status: str  # paid, shipped, delivered or cancelled
    currency: str
    total_cents: int
    refunded_cents: int
    placed_at: str  # ISO 8601, as the API sends it

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Order:
        return cls(
            id=str(data["id"]),
            customer_email=str(data["customer_email"]),
            status=str(data["status"]),
            currency=str(data["currency"]),
            total_cents=int(data["total_cents"]),
            refunded_cents=int(data["refunded_cents"]),
            placed_at=str(data["placed_at"]),
        )


@dataclass(frozen=True, slots=True)
class Refund:
    id: str
    order_id: str
    amount_cents: int
    reason: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Refund:
        return cls(
            id=str(data["id"]),
            order_id=str(data["order_id"]),
            amount_cents=int(data["amount_cents"]),
            reason=str(data["reason"]),
        )


class ShopClient:
    """The shop's admin API, the same endpoints the back-office tools use.

    Use it as ``async with ShopClient(settings) as shop:`` so the connections are closed.
    """

    def __init__(self, settings: Settings, http: httpx2.AsyncClient | None = None) -> None:
        if not settings.shop_token:
            raise SettingsError("HELPDESK_SHOP_TOKEN is not set")
        self._http = http or httpx2.AsyncClient(
            base_url=settings.shop_url,
            headers={"Authorization": f"Bearer {settings.shop_token}"},
            timeout=SHOP_TIMEOUT_S,
        )

    async def __aenter__(self) -> ShopClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._http.aclose()

    async def get_order(self, order_id: str) -> Order:
        response = await self._http.get(f"/api/orders/{order_id}")
        if response.status_code == 404:
            raise OrderNotFound(order_id)
        if response.is_error:
            raise ShopError(f"shop answered {response.status_code} for order {order_id}")
        return Order.from_dict(response.json())

    async def refund(self, order_id: str, amount_cents: int, reason: str) -> Refund:
        response = await self._http.post(
            f"/api/orders/{order_id}/refunds",
            json={"amount_cents": amount_cents, "reason": reason},
        )
        if response.status_code == 404:
            raise OrderNotFound(order_id)
        if response.is_error:
            raise ShopError(f"shop answered {response.status_code} refunding order {order_id}")
        return Refund.from_dict(response.json())

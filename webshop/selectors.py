"""Reads of webshop orders: for the API, the order log and its export."""

from __future__ import annotations

from webshop.models import Order


def order_for(*, user, number: str) -> Order | None:
    """The customer's order with this webshop number (one query); None for another
    customer's number as for an unknown one."""
    return Order.objects.filter(user=user, number=number).first()

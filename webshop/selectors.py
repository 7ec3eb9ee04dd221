"""Reads of webshop orders: for the API, the order log and its export."""

from __future__ import annotations

from webshop.models import Order, ProcessorAgreementAcceptance


def order_for(*, user, number: str) -> Order | None:
    """The customer's order with this webshop number (one query); None for another
    customer's number as for an unknown one."""
    return Order.objects.filter(user=user, number=number).first()


def processor_agreement_of(*, user) -> ProcessorAgreementAcceptance | None:
    """The customer's latest acceptance of the verwerkersovereenkomst (one query), if any.
    Any version lets orders in: a newer version is offered, not forced on running shops."""
    return ProcessorAgreementAcceptance.objects.filter(user=user).order_by("-accepted_at", "-pk").first()


def orders_for_log(*, user):
    """The customer's orders for the order log and its export, oldest first."""
    return Order.objects.filter(user=user).order_by("received_at", "pk")

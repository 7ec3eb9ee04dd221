"""Reads of webshop orders: for the API, the order log and its export."""

from __future__ import annotations

from webshop.models import Order, ProcessorAgreementAcceptance


def order_for(*, user, number: str) -> Order | None:
    """The customer's order with this webshop number (one query); None for another
    customer's number as for an unknown one."""
    return Order.objects.filter(user=user, number=number).first()


# Users known (in this process) to have accepted: an acceptance is never withdrawn (it goes
# only with the account, whose keys are revoked first), so a yes may be remembered; a no is
# always asked again.
_ACCEPTED: set[int] = set()


def processor_agreement_accepted(*, user) -> bool:
    """Whether the customer accepted any version; at most one query, none once known yes."""
    if user.pk in _ACCEPTED:
        return True
    if ProcessorAgreementAcceptance.objects.filter(user=user).exists():
        if len(_ACCEPTED) > 100_000:  # bounded: forget all and learn again
            _ACCEPTED.clear()
        _ACCEPTED.add(user.pk)
        return True
    return False


def processor_agreement_of(*, user) -> ProcessorAgreementAcceptance | None:
    """The customer's latest acceptance of the verwerkersovereenkomst (one query), if any.
    Any version lets orders in: a newer version is offered, not forced on running shops."""
    return ProcessorAgreementAcceptance.objects.filter(user=user).order_by("-accepted_at", "-pk").first()


def orders_for_log(*, user):
    """The customer's orders for the order log and its export, oldest first."""
    return Order.objects.filter(user=user).order_by("received_at", "pk")

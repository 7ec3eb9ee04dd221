"""Writes of the consent app. Each is one transaction with its audit event."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.utils import timezone

from audit.events import Action
from audit.services import record
from consent.cookies import selectors as cookies
from consent.models import CookieConsentRecord
from consent.statement import selectors as statement

# --- cookie consent ---


@transaction.atomic
def cookie_choice_record(
    *,
    accepted: Collection[str],
    refused: Collection[str],
    user=None,
    ip: str | None,
    user_agent: str,
    previous_accepted: Collection[str] = (),
) -> CookieConsentRecord:
    """Record one cookie decision as proof: a new random consent id, the time, the groups
    accepted and refused (together exactly the optional groups, else ``ValueError``), the
    statement version in force, the IP address truncated to its network, the browser and
    the user when logged in. The audit event says whether consent was given, refused or
    withdrawn (refused after ``previous_accepted`` had accepted something)."""
    accepted, refused = cookies.validate_groups(accepted, refused)
    user = user if user is not None and user.is_authenticated else None
    consent = CookieConsentRecord.objects.create(
        consent_id=cookies.new_consent_id(),
        decided_at=timezone.now(),
        accepted=accepted,
        refused=refused,
        statement_version=statement.current_version_label()[:100],
        cookie_revision=statement.cookie_revision()[:100],
        ip_network=cookies.truncate_ip(ip),
        user_agent=(user_agent or "")[:500],
        user=user,
    )
    if accepted:
        action = Action.CONSENT_GIVEN
    elif previous_accepted:
        action = Action.CONSENT_WITHDRAWN
    else:
        action = Action.CONSENT_REFUSED
    record(
        action,
        actor=user,
        subject=user,
        target=consent,
        changes={
            "consent_id": [None, consent.consent_id],
            "accepted": [sorted(previous_accepted), accepted],
            "refused": [None, refused],
            "statement_version": [None, consent.statement_version],
        },
    )
    return consent

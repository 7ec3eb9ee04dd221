"""The one way to write to the audit trail.

Call :func:`record` inside the transaction of the change it describes, so that the change
and its evidence are committed together or not at all.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from audit.events import Action, ActorKind
from audit.models import AuditEvent
from portal import request_context

SECRET_FIELDS = frozenset({"password", "password1", "password2", "token", "secret", "key", "code", "api_key"})
CHANGED = "changed"


def _mask(changes: dict[str, Any] | None) -> dict[str, Any]:
    masked: dict[str, Any] = {}
    for field, value in (changes or {}).items():
        lowered = field.lower()
        if any(part in lowered for part in SECRET_FIELDS):
            masked[field] = CHANGED
        else:
            masked[field] = value
    return masked


def _actor(actor, system: str | None) -> tuple[str, int | None, str]:
    if system:
        return ActorKind.SYSTEM, None, f"system ({system})"
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ActorKind.ANONYMOUS, None, "anonymous"
    kind = ActorKind.STAFF if actor.is_staff else ActorKind.CUSTOMER
    return kind, actor.pk, actor.get_username()


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field → [old, new] for every field whose value changed."""
    return {
        field: [before.get(field), after.get(field)]
        for field in sorted(set(before) | set(after))
        if before.get(field) != after.get(field)
    }


def record(
    action: Action,
    *,
    actor=None,
    system: str | None = None,
    subject=None,
    subject_id: int | None = None,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that ``actor`` (a user; ``system="Mollie"`` for machine actors) did ``action``
    to ``target``, about the customer ``subject``."""
    if not isinstance(action, Action):
        action = Action(action)  # raises ValueError for anything not in the enumeration
    kind, actor_id, label = _actor(actor, system)
    if subject is not None:
        subject_id = subject.pk
    context = request_context.current()
    with transaction.atomic():
        return AuditEvent.objects.create(
            occurred_at=timezone.now(),
            actor_kind=kind,
            actor_id=actor_id,
            actor_label=label,
            subject_id=subject_id,
            action=action.value,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            changes=_mask(changes),
            ip=context.ip,
            user_agent=context.user_agent,
            request_id=context.request_id,
        )

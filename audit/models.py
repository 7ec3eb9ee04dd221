from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.events import Action, ActorKind
from audit.fields import CanonicalJSONField


class AuditEvent(models.Model):
    """One thing that happened. Users are referred to by id, not by foreign key, so that
    erasing an account never has to touch (and cannot silently rewrite) the evidence.

    Rows are written only by ``audit.services.record`` and never updated or deleted: a
    database trigger refuses it, except the redaction of the personal fields (see
    ``audit.services.redact_personal_fields`` and docs/audit.md)."""

    chain = models.BigIntegerField(_("keten"), help_text=_("De klant-id, of 0 voor gebeurtenissen zonder klant."))
    seq = models.BigIntegerField(_("volgnummer"))
    occurred_at = models.DateTimeField(_("tijdstip"), db_index=True)
    actor_kind = models.CharField(_("soort actor"), max_length=16, choices=ActorKind.choices)
    actor_id = models.BigIntegerField(_("actor-id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    subject_id = models.BigIntegerField(_("klant-id"), null=True, blank=True)
    # No ``choices``: the list of actions is audit.events.Action, enforced by record(), so a
    # new action needs no migration. The admin and the Activiteit page read its label.
    action = models.CharField(_("gebeurtenis"), max_length=64)
    target_type = models.CharField(_("soort object"), max_length=100, blank=True)
    target_id = models.CharField(_("object-id"), max_length=64, blank=True)
    changes = CanonicalJSONField(_("wijzigingen"), default=dict, blank=True)
    fields = models.TextField(_("gewijzigde velden"), default="[]", blank=True)
    ip = models.CharField(_("IP-adres"), max_length=45, null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    request_id = models.CharField(_("request-id"), max_length=64, blank=True)
    salt = models.CharField(_("zout"), max_length=32, blank=True)
    personal_digest = models.CharField(_("digest persoonsgegevens"), max_length=64)
    digest = models.CharField(_("digest"), max_length=64)
    chain_value = models.CharField(_("ketenwaarde"), max_length=64)
    redacted_at = models.DateTimeField(_("persoonsgegevens verwijderd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditgebeurtenissen")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_one_per_chain_position"),
        ]
        indexes = [
            models.Index(fields=["subject_id", "-occurred_at", "-id"], name="audit_event_subject_time"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action}"

    def get_action_display(self) -> str:
        try:
            return str(Action(self.action).label)
        except ValueError:  # an action that has since been removed from the list: evidence as stored
            return self.action

    @property
    def is_redacted(self) -> bool:
        return self.redacted_at is not None

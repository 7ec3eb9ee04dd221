"""The audit log in the admin: read only for everyone, superusers included."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin_audit import AuditedModelAdminMixin
from audit.events import Action
from audit.models import AuditEvent


class _NumberFilter(admin.SimpleListFilter):
    """A filter typed in (a number), not picked from a list: there are too many customers."""

    template = "audit/admin/number_filter.html"

    def lookups(self, request, model_admin):
        return ()

    def has_output(self) -> bool:
        return True

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(**{self.parameter_name: int(value)})

    def choices(self, changelist):
        # The template renders a small form; it needs the other parameters to keep them.
        yield {
            "value": self.value() or "",
            "parameter_name": self.parameter_name,
            "others": [
                (key, item)
                for key, values in changelist.get_filters_params().items()
                if key != self.parameter_name
                for item in (values if isinstance(values, list) else [values])
            ],
        }


class CustomerFilter(_NumberFilter):
    title = _("klant-id")
    parameter_name = "subject_id"


class ActorFilter(_NumberFilter):
    title = _("actor-id")
    parameter_name = "actor_id"


class ActionFilter(admin.SimpleListFilter):
    """The action field has no ``choices`` (audit.events.Action is the list, checked by
    record()), so the filter offers that list itself."""

    title = _("gebeurtenis")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(action.value, action.label) for action in Action]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedModelAdminMixin, admin.ModelAdmin):
    audit_views = False  # reading the log is not a view of a customer's page
    list_display = (
        "occurred_at",
        "action_label",
        "actor_kind",
        "actor_label",
        "subject_id",
        "target_type",
        "target_id",
        "redacted_at",
    )
    list_filter = (
        "actor_kind",
        CustomerFilter,
        ActorFilter,
        ActionFilter,
        ("occurred_at", admin.DateFieldListFilter),
        ("redacted_at", admin.EmptyFieldListFilter),
    )
    date_hierarchy = "occurred_at"
    search_fields = ("=target_id", "=request_id")
    ordering = ("-occurred_at", "-id")
    show_full_result_count = False
    list_per_page = 50
    actions = None
    fields = (
        "occurred_at",
        "chain",
        "seq",
        "action_label",
        "actor_kind",
        "actor_id",
        "actor_label",
        "subject_id",
        "target_type",
        "target_id",
        "changes",
        "fields",
        "ip",
        "user_agent",
        "request_id",
        "redacted_at",
        "personal_digest",
        "digest",
        "chain_value",
    )
    readonly_fields = fields

    @admin.display(description=_("gebeurtenis"), ordering="action")
    def action_label(self, obj: AuditEvent) -> str:
        return obj.get_action_display()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

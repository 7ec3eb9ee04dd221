"""Staff see a customer's sync runs and open errors, read-only (filter by customer with the
search box: e-mail address or username). Retrying is the customer's action, in the portal."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sync.models import SyncError, SyncRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "user", "division", "trigger", "outcome", "synced", "failed", "skipped", "duration")
    list_filter = ("outcome", "trigger")
    search_fields = ("user__email", "user__username")
    list_select_related = ("user",)
    date_hierarchy = "started_at"
    fields = (
        "user",
        "division",
        "trigger",
        "started_at",
        "finished_at",
        "duration",
        "synced",
        "failed",
        "skipped",
        "outcome",
        "message",
        "calls",
    )
    readonly_fields = fields


@admin.register(SyncError)
class SyncErrorAdmin(ReadOnlyAdmin):
    list_display = ("number", "user", "order_date", "error_message", "error_hint", "failed_at", "attempts")
    search_fields = ("user__email", "user__username", "number")
    list_select_related = ("user",)
    # Only what the error list shows: not the order's payload (our customer's customer's data).
    fields = (
        "user",
        "number",
        "order_date",
        "amount_gross",
        "status",
        "attempts",
        "error_code",
        "error_message",
        "error_hint",
        "failed_at",
        "received_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).filter(status=SyncError.Status.FAILED).defer("payload")

"""Staff see a customer's sync runs and, on a run's page, that customer's open errors (the
failed orders with Exact's message and our hint), read-only. Search by the customer's e-mail
address or username. Retrying is the customer's action, in the portal."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from sync import selectors
from sync.models import SyncRun
from webshop.models import Order


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "user",
        "division",
        "trigger",
        "outcome",
        "synced",
        "failed",
        "skipped",
        "duration",
        "open_errors",
    )
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
        "customer_errors",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest):
        failed = (
            Order.objects.filter(user=OuterRef("user"), status=Order.Status.FAILED)
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(open_error_count=Coalesce(Subquery(failed), 0))

    @admin.display(description=_("open fouten van de klant"), ordering="open_error_count")
    def open_errors(self, run: SyncRun) -> int:
        return run.open_error_count

    @admin.display(description=_("open fouten van de klant"))
    def customer_errors(self, run: SyncRun) -> str:
        errors = selectors.open_errors(user=run.user, limit=100)
        if not errors:
            return "–"
        head = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            _("bestelnummer"),
            _("besteldatum"),
            _("melding van Exact"),
            _("wat u kunt doen"),
            _("mislukt op"),
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    order.number,
                    date_format(order.order_date),
                    order.error_message,
                    order.error_hint,
                    date_format(localtime(order.failed_at), "DATETIME_FORMAT") if order.failed_at else "",
                )
                for order in errors
            ),
        )
        return format_html("<table>{}{}</table>", head, rows)

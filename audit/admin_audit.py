"""Every add, change and delete in the Django admin, every admin action and every staff
view of the change page of an object about a customer becomes an audit event with the staff
member as actor.

Use the mixin on your ModelAdmin (first base, before ``admin.ModelAdmin``)::

    @admin.register(Thing)
    class ThingAdmin(AuditedModelAdminMixin, admin.ModelAdmin):
        audit_subject = "subscription.user_id"   # optional: where the customer id is

ModelAdmins registered without it (third-party ones, or forgotten ones) get it anyway:
``audit_every_model_admin`` runs when the audit app is ready and gives each registered
ModelAdmin the mixin; a test fails when one is registered in a way that escapes it.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models, transaction

from audit.events import Action
from audit.labels import register_values
from audit.services import CHANGED, record

_CHANGES_ATTR = "_audit_admin_changes"


def _plain(value: Any) -> Any:
    """A form value as something JSON can hold: objects by primary key, files by name."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return [_plain(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "read"):
        return getattr(value, "name", "")
    return value


def _form_changes(form, prefix: str = "") -> dict[str, list[Any]]:
    return {
        f"{prefix}{name}": [_plain(form.initial.get(name)), _plain(form.cleaned_data.get(name))]
        for name in form.changed_data
        if name not in ("DELETE", "id")
    }


def _stash(request, changes: dict[str, Any]) -> None:
    stash = getattr(request, _CHANGES_ATTR, None)
    if stash is None:
        stash = {}
        setattr(request, _CHANGES_ATTR, stash)
    stash.update(changes)


def _take(request) -> dict[str, Any]:
    stash = getattr(request, _CHANGES_ATTR, None) or {}
    setattr(request, _CHANGES_ATTR, {})
    return stash


def _fields_from_message(message: Any) -> dict[str, str]:
    """Django's change message names the fields; used when no form told us the values
    (e.g. the admin's own password change form)."""
    fields: dict[str, str] = {}
    for entry in message if isinstance(message, list) else []:
        for field in (entry.get("changed") or {}).get("fields", []):
            fields[str(field)] = CHANGED
    return fields


class AuditedModelAdminMixin:
    """Records admin.added / admin.changed / admin.deleted / admin.viewed."""

    #: Dotted attribute path from the object to the customer's id, e.g. "subscription.user_id".
    #: When None: the user itself, else ``obj.subject_id``, else ``obj.user_id``.
    audit_subject: str | None = None
    #: Record admin.viewed when staff open the change page of an object about a customer.
    audit_views: bool = True

    def audit_subject_id(self, obj: models.Model) -> int | None:
        if self.audit_subject:
            value: Any = obj
            for part in self.audit_subject.split("."):
                value = getattr(value, part, None)
                if value is None:
                    return None
            return int(value)
        if isinstance(obj, get_user_model()):
            return obj.pk
        for attr in ("subject_id", "user_id"):
            value = getattr(obj, attr, None)
            if isinstance(value, int):
                return value
        return None

    def _audit(self, request, action: Action, obj: models.Model, changes: dict[str, Any]) -> None:
        record(action, actor=request.user, subject_id=self.audit_subject_id(obj), target=obj, changes=changes)

    # Collect field-level changes while the admin saves (the log_* hooks only get a message).
    def save_model(self, request, obj, form, change):
        _stash(request, _form_changes(form))
        return super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        prefix = formset.model._meta.model_name
        for inline_form in formset.forms:
            if not inline_form.has_changed() and not formset._should_delete_form(inline_form):
                continue
            key = f"{prefix}[{inline_form.instance.pk or 'new'}]."
            if formset._should_delete_form(inline_form):
                _stash(request, {f"{key}deleted": [str(inline_form.instance), None]})
            else:
                _stash(request, _form_changes(inline_form, key))
        return super().save_formset(request, form, formset, change)

    # The admin calls these inside the transaction of the change.
    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        changes = _take(request)
        self._audit(
            request,
            Action.ADMIN_ADDED,
            obj,
            {k: v for k, v in changes.items() if v[1] not in (None, "")} if changes else {},
        )
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._audit(request, Action.ADMIN_CHANGED, obj, _take(request) or _fields_from_message(message))
        return entry

    def log_deletions(self, request, queryset):
        objects = list(queryset)
        entries = super().log_deletions(request, objects)
        for obj in objects:
            self._audit(request, Action.ADMIN_DELETED, obj, {"object": [str(obj), None]})
        return entries

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if self.audit_views and change and obj is not None and request.method == "GET":
            if self.audit_subject_id(obj) is not None:
                self._audit(request, Action.ADMIN_VIEWED, obj, {})
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # The customer's Activiteit names an admin action by its description, not its code.
        register_values("admin_action", {name: description for name, (_f, _n, description) in actions.items()})
        return {
            name: (self._audited_action(func, name), name, description)
            if name != "delete_selected" and not getattr(func, "audit_records_itself", False)
            else (func, name, description)
            for name, (func, name, description) in actions.items()
        }

    def _audited_action(self, func, name: str):
        @functools.wraps(func)
        def run(modeladmin, request, queryset):
            with transaction.atomic():
                objects = list(queryset)
                response = func(modeladmin, request, queryset)
                for obj in objects:
                    self._audit(request, Action.ADMIN_CHANGED, obj, {"admin_action": [None, name]})
                return response

        return run


def audited(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    """The same admin class with the mixin in front (the class itself when it has it)."""
    if issubclass(admin_class, AuditedModelAdminMixin):
        return admin_class
    return type(
        f"Audited{admin_class.__name__}", (AuditedModelAdminMixin, admin_class), {"__module__": admin_class.__module__}
    )


def audit_every_model_admin(site: admin.AdminSite) -> None:
    """Give every ModelAdmin registered on ``site`` the mixin, now and for later registrations."""
    for model_admin in list(site._registry.values()):
        model_admin.__class__ = audited(type(model_admin))
    if getattr(site, "_audit_hooked", False):
        return
    original_register = site.register

    def register(model_or_iterable, admin_class=None, **options):
        return original_register(model_or_iterable, audited(admin_class or admin.ModelAdmin), **options)

    site.register = register  # type: ignore[method-assign]
    site._audit_hooked = True  # type: ignore[attr-defined]

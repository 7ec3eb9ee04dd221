from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile, User
from audit.admin_audit import AuditedModelAdminMixin


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(AuditedModelAdminMixin, DjangoUserAdmin):
    list_display = ("username", "email", "is_staff", "is_active", "closed_at", "date_joined")
    list_filter = ("is_staff", "is_active", ("closed_at", admin.EmptyFieldListFilter))
    readonly_fields = ("closed_at", "closed_reason", "last_login", "date_joined")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Opheffen"), {"fields": ("closed_at", "closed_reason")}),
    )
    inlines = [ProfileInline]

from __future__ import annotations

from allauth.mfa.models import Authenticator
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


# allauth's own admin shows and edits ``data``: the (encrypted) TOTP secret and recovery
# seed. Staff see which methods a customer has and may remove one (a lost phone), never
# the secret.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AuditedModelAdminMixin, admin.ModelAdmin):
    audit_subject = "user_id"
    raw_id_fields = ("user",)
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields
    search_fields = ("user__username",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

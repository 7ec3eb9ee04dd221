"""Staff roles: Django groups, each with the least the work needs (docs/accounts.md, "Staff roles").

The admin role is a superuser (``is_superuser``), not a group: only it hands out rights
(``accounts.admin.UserAdmin``). The three other roles are groups whose permissions are
defined here and nowhere else: migration 0006 creates them, and after every ``migrate``
(``post_migrate``, see ``accounts.receivers``) their permissions are set to exactly this list
again, so a permission of a model added later joins its role once it is named here, and a
permission ticked on one of these groups in the admin does not last.

Each per-customer action names its permission (``accounts.customer_actions``); the table in
docs/accounts.md and ``accounts/tests/test_admin_role_matrix.py`` hold each action to one role.
"""

from __future__ import annotations

SUPPORT = "Ondersteuning"
BILLING = "Facturatie"
PRIVACY = "Privacybureau"


def _model(label: str, *actions: str) -> list[str]:
    app_label, model = label.split(".")
    return [f"{app_label}.{action}_{model}" for action in actions]


ROLES: dict[str, list[str]] = {
    # Customers: their page and profile, closing and reopening (accounts.change_user), the
    # confirmation mail again, a lost phone's authenticator; reads what customers ask about.
    SUPPORT: [
        *_model("accounts.user", "view", "change"),
        *_model("accounts.profile", "view", "change"),
        *_model("account.emailaddress", "view"),
        *_model("mfa.authenticator", "view", "delete"),
        *_model("audit.auditevent", "view"),
        *_model("subscriptions.subscription", "view"),
        *_model("subscriptions.payment", "view"),
        *_model("subscriptions.invoice", "view"),
        *_model("subscriptions.creditnote", "view"),
        *_model("subscriptions.plan", "view"),
        *_model("vies.vatcheck", "view"),
        *_model("sync.syncrun", "view"),
        *_model("accounts.staffnote", "view", "add"),
    ],
    # Money: refunds (change payment), ending subscriptions (change subscription), plans and
    # prices, the VAT id check in VIES (add vat check), and the business figures of the staff
    # overview (revenue, churn and its reasons, dunning; portal.admin_overview).
    BILLING: [
        "subscriptions.view_revenue",
        *_model("accounts.user", "view"),
        *_model("accounts.profile", "view"),
        *_model("subscriptions.subscription", "view", "change"),
        *_model("subscriptions.payment", "view", "change"),
        *_model("subscriptions.invoice", "view"),
        *_model("subscriptions.creditnote", "view"),
        *_model("subscriptions.plan", "view", "add", "change"),
        *_model("subscriptions.molliecustomer", "view"),
        *_model("subscriptions.molliecustomerdeletion", "view"),
        *_model("vies.vatcheck", "view", "add"),
    ],
    # Privacy: exports for access requests (add data export), legal holds, the retention
    # record, the Article 30 record, publishing the statement, processors, consent records, the audit trail.
    PRIVACY: [
        *_model("accounts.user", "view"),
        *_model("accounts.profile", "view"),
        *_model("audit.auditevent", "view"),
        *_model("retention.legalhold", "view", "add", "change"),
        *_model("retention.dataexport", "view", "add"),
        *_model("retention.retentionrun", "view"),
        *_model("retention.disposalrecord", "view"),
        *_model("retention.heartbeat", "view"),
        *_model("privacy.privacyrequest", "view", "add", "change"),
        *_model("privacy.requestaction", "view"),
        *_model("privacy.breach", "view", "add", "change"),
        *_model("privacy.disclosure", "view", "add"),
        "privacy.view_processing_record",
        *_model("consent.statementversion", "view", "add", "change"),
        *_model("consent.processor", "view", "add", "change"),
        *_model("consent.cookieconsentrecord", "view"),
        *_model("consent.marketingpreference", "view"),
        *_model("consent.mailingrecipient", "view"),
        *_model("cookie_consent.cookie", "view", "add", "change"),
        *_model("cookie_consent.cookiegroup", "view", "add", "change"),
    ],
}


def sync_roles(apps=None) -> None:
    """Create the role groups and set their permissions to exactly ``ROLES`` (idempotent).
    A permission whose model does not exist (yet) is left out; the next run adds it."""
    if apps is None:
        from django.apps import apps
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    wanted = {name.split(".")[1] for perms in ROLES.values() for name in perms}
    found = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in permission_model.objects.filter(codename__in=wanted).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, perms in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.set([found[name] for name in perms if name in found])

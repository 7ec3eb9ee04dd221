from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.apps import apps
from django.contrib import admin
from django.urls import include, path, reverse

from accounts.urls import public_urlpatterns as account_public_urls
from portal import admin_glance, admin_overview, views
from portal.observability.metrics import metrics_view
from subscriptions.mollie import sandbox_available

# Django's own admin login would bypass allauth (and so MFA and its rate limits): send it
# through allauth's login instead. The admin's own views are kept the first time this module
# loads, so that loading it again (a test that reloads the URLconf) wraps them once, not twice.
if not hasattr(admin.site, "portal_own_views"):
    admin.site.portal_own_views = (admin.site.login, admin.site.index)
_admin_login, _admin_index = admin.site.portal_own_views
admin.site.login = secure_admin_login(_admin_login)
admin.site.site_header = "Exact koppeling – beheer"
admin.site.site_title = "Exact koppeling"


def _index_with_overview(request, extra_context=None):
    """The admin index, with the links to the staff overview and the Article 30 record for
    those who may open them."""
    extra = {
        **(extra_context or {}),
        "overview_url": admin_overview.overview_url_for(request.user),
        "record_url": reverse("privacy_processing_record")
        if request.user.has_perm("privacy.view_processing_record")
        else None,
    }
    return _admin_index(request, extra_context=extra)


admin.site.index = _index_with_overview

portal_patterns = (
    [
        path("", views.dashboard, name="dashboard"),
        path("ping/", views.ping, name="ping"),
        path("blank/", views.blank, name="blank"),
    ],
    "portal",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", include("consent.statement.urls")),
    path("healthz/jobs", views.healthz_jobs, name="healthz_jobs"),
    path("metrics", metrics_view, name="metrics"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("portal/", include(portal_patterns)),
    path("portal/", include("accounts.urls")),
    path("cookies/", include("consent.cookies.urls")),  # not cookie_consent.urls: its views record no proof
    path("", include("audit.urls")),
    path("", include("subscriptions.urls")),
    path("", include("retention.urls")),
    path("", include("consent.marketing.urls")),
    path(
        "admin/accounts/user/<int:pk>/overzicht/",
        admin.site.admin_view(admin_glance.customer_glance),
        name="customer_glance",
    ),
    path("admin/privacy/verwerkingsregister/", include("privacy.urls")),
    path("admin/overzicht/", admin.site.admin_view(admin_overview.staff_overview), name="staff_overview"),
    path("admin/", admin.site.urls),
    *account_public_urls,
    path("", include("koppeling.urls")),
    path("", include("sync.urls")),
    path("", include("webshop.urls")),
]

# The Mollie sandbox: installed in development and tests only (DJANGO_DEBUG), never in
# production, and never served beside a live key (its views check again on every request).
if sandbox_available():
    urlpatterns.append(path("sandbox/mollie/", include("mollie_sandbox.urls")))

# The Exact Online sandbox is installed only outside production (portal/settings.py).
if apps.is_installed("exact_sandbox"):
    urlpatterns.append(path("sandbox/exact/", include("exact_sandbox.urls")))

# The VIES sandbox likewise.
if apps.is_installed("vies_sandbox"):
    urlpatterns.append(path("sandbox/vies/", include("vies_sandbox.urls")))

# An uncaught error while PostgreSQL or Redis is down becomes a 503 maintenance page.
handler500 = "core.outage.server_error_or_outage"

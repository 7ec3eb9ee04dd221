from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts.urls import public_urlpatterns as account_public_urls
from portal import views

# Django's own admin login would bypass allauth (and so MFA and its rate limits): send it
# through allauth's login instead.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Exact koppeling – beheer"
admin.site.site_title = "Exact koppeling"

portal_patterns = (
    [
        path("", views.dashboard, name="dashboard"),
    ],
    "portal",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("privacy/", views.privacy, name="privacy"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("portal/", include(portal_patterns)),
    path("portal/", include("accounts.urls")),
    path("cookies/", include("consent.cookie_urls")),  # not cookie_consent.urls: its views record no proof
    path("", include("audit.urls")),
    path("", include("subscriptions.urls")),
    path("", include("retention.urls")),
    path("admin/", admin.site.urls),
    *account_public_urls,
]

"""URLs of marketing mail: the customer's E-mailvoorkeuren page and the unsubscribe link
(``/unsubscribe/<token>/``, the stable name in DESIGN.md; also the RFC 8058 one-click
target of the ``List-Unsubscribe`` header)."""

from django.urls import path

from consent.marketing import views

app_name = "consent_marketing"

urlpatterns = [
    path("portal/e-mailvoorkeuren/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

"""The webshop API's URLs, with their full paths (included at the root of portal/urls.py)."""

from __future__ import annotations

from django.urls import path

from webshop import views
from webshop.api import api

urlpatterns = [
    path("api/v1/docs/", views.api_docs, name="webshop_api_docs"),
    path("api/v1/", api.urls),
    path("portal/koppeling/verwerkersovereenkomst/", views.processor_agreement, name="webshop_processor_agreement"),
    path("portal/koppeling/bestellingen.csv", views.order_log_csv, name="webshop_order_log_csv"),
]

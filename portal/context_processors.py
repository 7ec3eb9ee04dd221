from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {
        "COMPANY": settings.COMPANY,
        "PRODUCT_NAME": settings.PRODUCT_NAME,
    }

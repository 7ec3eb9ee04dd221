"""Test fixtures for the VIES sandbox (a pytest plugin, registered in the root conftest):
the sandbox reached by the portal's own VIES client over HTTP, served the same way as the
Mollie sandbox (in-process through Django's test client, or on the live server for tests
with a transactional database or a browser)."""

from __future__ import annotations

from datetime import datetime

import pytest


@pytest.fixture
def vies_sandbox(request, settings):
    server = request.getfixturevalue("mollie_sandbox")  # the same server, in-process or live
    settings.VIES_API_URL = server.url + "/sandbox/vies"
    settings.VIES_TIMEOUT = (2, 3)
    return server


def vies_confirmed(user, vat_id: str | None = None, *, at: datetime | None = None, consultation: str = ""):
    """A valid VIES answer for ``user``'s VAT id (or ``vat_id``), as if checked at ``at``
    (now): for tests about invoices that need the proof, not about the check itself."""
    from django.utils import timezone

    from accounts.models import Profile
    from vies.models import VatCheck

    vat_id = vat_id or Profile.objects.get(user=user).vat_id
    at = at or timezone.now()
    return VatCheck.objects.create(
        user=user,
        vat_id=vat_id,
        result=VatCheck.Result.VALID,
        requested_at=at,
        checked_at=at,
        name="TEST BEDRIJF",
        address="Teststraat 1\n1000 Brussel",
        consultation_number=consultation or "WAPITEST0000001",
        requester="NL123456789B01",
        attempts=1,
    )

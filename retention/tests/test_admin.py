"""The retention overview in the admin: due counts per policy, heartbeat, holds."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator

from audit.models import AuditEvent
from retention.models import LegalHold
from retention.tests.conftest import ams


@pytest.fixture
def staff_client(client, make_user):
    staff = make_user("beheerder", staff=True)
    staff.is_superuser = True
    staff.save()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    return client


@pytest.mark.django_db
def test_the_overview_shows_due_counts_and_the_heartbeat(staff_client, rich_customer):
    rich_customer("jansen", closed_at=ams(2020, 1, 1, 12, 0))
    page = staff_client.get("/admin/retention/retentionrun/")
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Overzicht bewaartermijnen" in html
    assert "<code>account</code></td><td>3 maanden</td><td>delete</td><td>1</td>" in html


@pytest.mark.django_db
def test_staff_add_and_release_holds_through_the_service(staff_client, rich_customer):
    user = rich_customer("jansen")
    response = staff_client.post("/admin/retention/legalhold/add/", {"user": user.pk, "reason": "Aangifte"})
    assert response.status_code == HTTPStatus.FOUND
    hold = LegalHold.objects.get()
    assert hold.subject_id == user.pk and hold.created_by == "beheerder"
    staff_client.post("/admin/retention/legalhold/", {"action": "release", "_selected_action": [hold.pk]})
    hold.refresh_from_db()
    assert hold.released_by == "beheerder"
    assert AuditEvent.objects.filter(
        subject_id=user.pk, action="retention.hold_released", actor_label="beheerder"
    ).exists()

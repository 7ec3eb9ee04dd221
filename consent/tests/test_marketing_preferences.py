"""E-mailvoorkeuren: the customer sees the choice about marketing mail and changes it;
every change is an audit event, bad input changes nothing."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from audit.events import Action
from audit.models import AuditEvent
from consent.marketing import services
from consent.models import MarketingPreference

PAGE = "/portal/e-mailvoorkeuren/"


@pytest.fixture
def logged_in(customer) -> Client:
    client = Client()
    client.force_login(customer)
    return client


def marketing_events(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_id=user.pk, action__startswith="marketing.")
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_it_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_dashboard_links_to_it(logged_in):
    assert f'href="{PAGE}"' in logged_in.get("/portal/").content.decode()


@pytest.mark.django_db
def test_a_customer_who_never_chose_receives_offers_and_sees_so(logged_in):
    page = logged_in.get(PAGE).content.decode()
    assert "U ontvangt aanbiedingen en nieuws over onze producten per e-mail." in page
    assert 'value="receive"' in page and "checked" in page.split('value="receive"')[1].split(">")[0]


@pytest.mark.django_db
def test_objecting_and_changing_back_are_each_recorded(logged_in, customer):
    response = logged_in.post(PAGE, {"marketing": "object"})
    assert response.status_code == HTTPStatus.FOUND
    assert MarketingPreference.objects.get(user=customer).objected is True
    assert not services.receives_marketing(customer)
    page = logged_in.get(PAGE).content.decode()
    assert "Uw e-mailvoorkeuren zijn opgeslagen." in page
    assert "U ontvangt geen aanbiedingen per e-mail." in page

    logged_in.post(PAGE, {"marketing": "receive"})
    assert MarketingPreference.objects.get(user=customer).objected is False
    assert services.receives_marketing(customer)
    assert marketing_events(customer) == ["marketing.objected", "marketing.opted_in"]
    objection = AuditEvent.objects.get(subject_id=customer.pk, action=Action.MARKETING_OBJECTED)
    assert objection.actor_id == customer.pk
    assert objection.changes == {"objected": [None, True], "via": [None, "preferences"]}


@pytest.mark.django_db
def test_saving_the_same_choice_again_records_nothing_new(logged_in, customer):
    logged_in.post(PAGE, {"marketing": "object"})
    logged_in.post(PAGE, {"marketing": "object"})
    assert marketing_events(customer) == ["marketing.objected"]


@pytest.mark.django_db
def test_the_choice_made_in_english_sets_the_language_of_marketing_mail(customer):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(customer)
    client.post(PAGE, {"marketing": "receive"})
    assert MarketingPreference.objects.get(user=customer).language == "en"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"marketing": ""},
        {"marketing": "yes"},
        {"marketing": "x" * 10_000},
        {"marketing": "<script>alert(1)</script>"},
        {"marketing": "object\x00"},
        {"marketing": ["object", "receive", "nonsense"]},
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(logged_in, customer, data):
    response = logged_in.post(PAGE, data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Kies een van beide." in response.content.decode()
    assert not MarketingPreference.objects.filter(user=customer).exists()
    assert marketing_events(customer) == []


@pytest.mark.django_db
def test_an_unverified_address_gets_no_offers_and_the_page_says_why(make_user):
    from allauth.account.models import EmailAddress

    user = make_user("nieuw")
    EmailAddress.objects.filter(user=user).update(verified=False)
    client = Client()
    client.force_login(user)
    assert "bevestigd e-mailadres" in client.get(PAGE).content.decode()
    assert not services.receives_marketing(user)

"""The unsubscribe link under /unsubscribe/<token>/: GET shows a page with a button, the
RFC 8058 one-click POST unsubscribes at once without login, cookie or CSRF token; forged
tokens get a clear page; nothing tells whether an address has an account; never a 500."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from audit.events import Action
from audit.models import AuditEvent
from consent.marketing import services, tokens
from consent.models import MarketingPreference

ONE_CLICK = "List-Unsubscribe=One-Click"
FORM = "application/x-www-form-urlencoded"


def url_for(address: str) -> str:
    return f"/unsubscribe/{tokens.make_token(address)}/"


@pytest.fixture
def anonymous() -> Client:
    return Client(enforce_csrf_checks=True)  # a mail client: no session, no CSRF cookie


def objected(user) -> bool:
    return MarketingPreference.objects.filter(user=user, objected=True).exists()


@pytest.mark.django_db
def test_the_page_asks_before_it_changes_anything(anonymous, customer):
    response = anonymous.get(url_for(customer.email))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Afmelden voor aanbiedingen per e-mail" in page
    assert 'name="List-Unsubscribe" value="One-Click"' in page
    assert customer.email not in page
    assert not objected(customer)
    assert services.receives_marketing(customer)


@pytest.mark.django_db
def test_the_one_click_post_unsubscribes_at_once_without_login_or_cookies(anonymous, customer):
    response = anonymous.post(url_for(customer.email), data=ONE_CLICK, content_type=FORM)
    assert response.status_code == HTTPStatus.OK
    assert "U bent afgemeld" in response.content.decode()
    assert objected(customer)
    assert not services.receives_marketing(customer)
    event = AuditEvent.objects.get(subject_id=customer.pk, action=Action.MARKETING_OBJECTED)
    assert (event.action, event.actor_kind) == ("marketing.objected", "anonymous")
    assert event.changes["via"] == [None, "unsubscribe_link"]


@pytest.mark.django_db
def test_the_one_click_post_also_works_as_multipart_as_some_providers_send_it(anonymous, customer):
    response = anonymous.post(url_for(customer.email), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == HTTPStatus.OK
    assert objected(customer)


@pytest.mark.django_db
def test_an_address_in_other_case_or_an_older_address_of_the_account_unsubscribes_it_too(anonymous, customer):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=customer, email="oud@example.com", verified=True, primary=False)
    anonymous.post(url_for("OUD@Example.com"), data=ONE_CLICK, content_type=FORM)
    assert objected(customer)


@pytest.mark.django_db
def test_a_link_of_the_old_kind_with_the_address_in_it_still_unsubscribes(anonymous, customer):
    from django.core import signing

    old = signing.Signer(salt=tokens.SALT).sign_object({"a": customer.email, "p": tokens.PURPOSE})
    response = anonymous.post(f"/unsubscribe/{old}/", data=ONE_CLICK, content_type=FORM)
    assert response.status_code == HTTPStatus.OK
    assert objected(customer)


@pytest.mark.django_db
def test_a_link_made_before_the_address_changed_still_unsubscribes_the_account(anonymous, customer):
    link = url_for(customer.email)
    customer.email = "nieuw-adres@example.com"
    customer.save()
    anonymous.post(link, data=ONE_CLICK, content_type=FORM)
    assert objected(customer)


@pytest.mark.django_db
def test_unsubscribing_twice_is_one_change_and_one_audit_event(anonymous, customer):
    for _ in range(2):
        assert anonymous.post(url_for(customer.email), data=ONE_CLICK, content_type=FORM).status_code == HTTPStatus.OK
    assert AuditEvent.objects.filter(subject_id=customer.pk, action=Action.MARKETING_OBJECTED).count() == 1


@pytest.mark.django_db
def test_a_token_for_one_address_leaves_every_other_customer_alone(anonymous, make_user):
    jansen = make_user("jansen")
    pietersen = make_user("pietersen")
    anonymous.post(url_for(jansen.email), data=ONE_CLICK, content_type=FORM)
    assert objected(jansen) and not objected(pietersen)


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_as_a_known_one(anonymous, customer):
    known = anonymous.post(url_for(customer.email), data=ONE_CLICK, content_type=FORM)
    unknown = anonymous.post(url_for("niemand@example.com"), data=ONE_CLICK, content_type=FORM)
    assert known.status_code == unknown.status_code == HTTPStatus.OK

    def visible(response, address: str) -> str:  # without CSRF tokens and the page's own URL
        import re

        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return page.replace(url_for(address), "/unsubscribe/TOKEN/")

    assert visible(known, customer.email) == visible(unknown, "niemand@example.com")
    get_known = anonymous.get(url_for(customer.email))
    get_unknown = anonymous.get(url_for("niemand@example.com"))
    assert visible(get_known, customer.email) == visible(get_unknown, "niemand@example.com")


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_token_gets_a_clear_page_and_changes_nothing(anonymous, customer, method):
    token = tokens.make_token(customer.email)
    forged = token[:-2] + ("xx" if not token.endswith("xx") else "yy")
    response = getattr(anonymous, method)(
        f"/unsubscribe/{forged}/", **({"data": ONE_CLICK, "content_type": FORM} if method == "post" else {})
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert "Deze afmeldlink werkt niet" in page and "Er is niets gewijzigd." in page
    assert not objected(customer)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token",
    [
        "x",
        "x" * 600,
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%00",
        "%E2%80%AE",
        "null",
        "e30:1x:abc",
        "..%2F..%2Fadmin",
        "%F0%9F%98%80",
        "a:b:c:d",
    ],
)
def test_garbage_tokens_get_the_clear_page_never_a_500(anonymous, customer, token):
    for response in (
        anonymous.get(f"/unsubscribe/{token}/"),
        anonymous.post(f"/unsubscribe/{token}/", data=ONE_CLICK, content_type=FORM),
    ):
        assert response.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND)
    assert not objected(customer)


@pytest.mark.django_db
def test_a_token_in_english_gets_the_page_in_english(customer):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "Unsubscribe" in client.get(url_for(customer.email)).content.decode()
    response = client.post(url_for(customer.email), data=ONE_CLICK, content_type=FORM)
    assert "You have been unsubscribed" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete", "options", "trace"])
def test_other_methods_are_refused_without_a_change(anonymous, customer, method):
    response = getattr(anonymous, method)(url_for(customer.email), data=ONE_CLICK, content_type=FORM)
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not objected(customer)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("", FORM),
        ("List-Unsubscribe=Yes", FORM),
        ("List-Unsubscribe=One-Click&List-Unsubscribe=No", FORM),
        ("unsubscribe=1", FORM),
        ("\x00\xff", "application/octet-stream"),
        ("--b\r\nContent-Disposition: form-data; name=x\r\n\r\n", "multipart/form-data; boundary=b"),
        ("x" * 300_000, FORM),
        ('{"List-Unsubscribe": "One-Click"}', "application/json"),
    ],
)
def test_any_other_post_is_refused_and_changes_nothing(anonymous, customer, body, content_type):
    response = anonymous.post(url_for(customer.email), data=body, content_type=content_type)
    assert response.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN)
    assert not objected(customer)


@pytest.mark.django_db
def test_only_the_one_click_post_skips_the_csrf_check(anonymous, customer):
    # Any other POST without a CSRF token is refused by the CSRF check (403), as elsewhere.
    response = anonymous.post(url_for(customer.email), data="confirm=yes", content_type=FORM)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not objected(customer)


@pytest.mark.django_db
@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    token=st.text(min_size=1, max_size=300).filter(lambda t: "/" not in t and "?" not in t and "#" not in t),
    body=st.one_of(st.binary(max_size=500), st.just(b"List-Unsubscribe=One-Click")),
    content_type=st.sampled_from([FORM, "multipart/form-data; boundary=x", "text/plain", "application/json"]),
    method=st.sampled_from(["get", "post", "head"]),
)
def test_any_token_body_or_method_gives_a_page_never_an_error(customer, token, body, content_type, method):
    from urllib.parse import quote

    client = Client(enforce_csrf_checks=True)
    path = f"/unsubscribe/{quote(token, safe='')}/"
    if method == "post":
        response = client.post(path, data=body, content_type=content_type)
    else:
        response = getattr(client, method)(path)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND)
    assert not objected(customer)

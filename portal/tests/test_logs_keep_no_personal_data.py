"""A whole customer journey on a real gunicorn and a real Celery worker, both logging as in
production (LOG_FORMAT=json), mail going to a real SMTP server (aiosmtpd, the boundary) and
payments to the Mollie sandbox over HTTP: signup, e-mail confirmation, login, a profile with
name, address, phone and an IBAN, a subscription paid by iDEAL (the sandbox's mandate carries
an IBAN too), the invoice built and mailed on the worker.

Then everything both processes wrote is read back: every line is one JSON object, requests and
tasks carry their ids, user id and duration, and none of the customer's e-mail address, name,
address, phone, IBANs, password, session or CSRF token, confirmation key, unsubscribe token or
any of the keys the processes hold appears anywhere."""

from __future__ import annotations

import json
import re
import time
from decimal import Decimal
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
import requests
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from accounts.models import Profile
from portal.testing.celery_worker import run_celery_worker
from portal.testing.web_process import free_port, run_gunicorn
from subscriptions.models import Invoice, Plan

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

USERNAME = "marijkeberg"
EMAIL = "marijke.vandenberg@voorbeeld-webshop.nl"
PASSWORD = "Zomer-Appel-Regen-7342"
FULL_NAME = "Marijke van den Berg"
STREET = "Kastanjelaan 81"
PHONE = "+31612873645"
TYPED_IBAN = "NL91ABNA0417164300"
SANDBOX_IBAN = "NL55INGB0000000000"  # the sandbox's iDEAL mandate (mollie_sandbox/engine.py)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Inbox:
    """What the SMTP server received, for aiosmtpd's handler protocol."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, predicate, timeout: float = 60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                if predicate(message):
                    return message
            time.sleep(0.2)
        raise AssertionError(f"no such mail within {timeout}s; got {[m['Subject'] for m in self.messages]}")


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def form_post(session: requests.Session, url: str, data: dict, *, page: str | None = None) -> requests.Response:
    """Open the page with the form (``page``, or the URL itself), then post to it with the
    page's CSRF token, as a browser would."""
    html = session.get(page or url, timeout=30).text
    found = CSRF_FIELD.search(html)
    token = found.group(1) if found else session.cookies[settings.CSRF_COOKIE_NAME]
    return session.post(url, data={"csrfmiddlewaretoken": token, **data}, timeout=60, allow_redirects=False)


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def json_lines(text: str, source: str) -> list[dict]:
    events = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError:
            pytest.fail(f"{source} line {number} is not one JSON object: {line[:300]!r}")
        assert isinstance(event, dict), line
        assert {"event", "level", "timestamp"} <= event.keys(), line
        events.append(event)
    return events


def test_a_whole_customer_journey_leaves_no_personal_data_or_secret_in_the_logs(smtp_server):
    controller, inbox = smtp_server
    plan = Plan.objects.create(name="Basis", price=Decimal("29.00"), interval=Plan.Interval.MONTH)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}_logs"
    environment = {
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "CELERY_QUEUE": queue,
        "SITE_URL": url,
        "MOLLIE_API_ENDPOINT": url + "/sandbox/mollie",
        "MOLLIE_API_KEY": "",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(controller.port),
        "EMAIL_USE_TLS": "0",
        "DATABASE_CONN_MAX_AGE": "0",
    }
    database = dict(connection.settings_dict)
    request_ids: set[str] = set()

    def remember(response: requests.Response) -> requests.Response:
        request_ids.add(response.headers["X-Request-ID"])
        return response

    with (
        run_gunicorn(database_settings=database, extra_env=environment, workers=2, port=port) as web,
        run_celery_worker(
            queue=queue, database_settings=database, extra_env=environment, name="logs", quiet=True
        ) as worker,
    ):
        browser = requests.Session()
        # Signup and the confirmation mail (sent by the web process).
        response = remember(
            form_post(
                browser,
                url + "/accounts/signup/",
                {"username": USERNAME, "email": EMAIL, "password1": PASSWORD, "password2": PASSWORD},
            )
        )
        assert response.status_code == 302, response.text[:500]
        confirmation = inbox.wait_for(lambda m: EMAIL in str(m["To"]))
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", text_of(confirmation)).group(0)
        confirmation_key = link.rstrip("/").rsplit("/", 1)[1]
        assert remember(form_post(browser, url + urlsplit(link).path, {})).status_code == 302
        # Log in.
        response = remember(form_post(browser, url + "/accounts/login/", {"login": EMAIL, "password": PASSWORD}))
        assert response.status_code == 302 and response.headers["Location"] != "/accounts/login/"
        user = get_user_model().objects.get(username=USERNAME)
        # The profile: name, address, phone, and an IBAN typed along with the company name.
        profile = {
            "full_name": FULL_NAME,
            "street": STREET,
            "postal_code": "5611AB",
            "city": "Eindhoven",
            "country": "NL",
            "phone": PHONE,
            "company_name": f"Berg Webwinkel (rekening {TYPED_IBAN})",
            "billing_same_as_address": "on",
            "billing_country": "NL",
        }
        response = remember(form_post(browser, url + "/portal/gegevens/profiel/", profile))
        assert response.status_code == 302, re.findall(r"class=\"error\" id=\"([^\"]+)\">([^<]+)<", response.text)
        assert Profile.objects.get(user=user).full_name == FULL_NAME
        # Subscribe and pay with iDEAL in the sandbox's checkout.
        response = remember(
            form_post(browser, url + f"/portal/abonnement/afsluiten/{plan.pk}/", {}, page=url + "/portal/abonnement/")
        )
        assert response.status_code == 302, response.text[:500]
        checkout = response.headers["Location"]
        response = remember(form_post(browser, checkout, {"outcome": "paid", "method": "ideal"}))
        assert response.status_code == 302
        # The webhook, the payment, the invoice PDF and its mail: all on the worker.
        invoice = worker.wait_until(lambda: Invoice.objects.filter(mailed_at__isnull=False).first(), timeout=90)
        invoice_mail = inbox.wait_for(lambda m: str(invoice.number) in str(m["Subject"]))
        unsubscribe = re.search(r"/unsubscribe/([^/\s]+)/", text_of(invoice_mail)).group(1)
        remember(browser.get(url + "/portal/", timeout=30))
        time.sleep(1)  # the last lines reach the files
        web_log, worker_log = web.log_text(), worker.log_text()

    web_events = json_lines(web_log, "web")
    worker_events = json_lines(worker_log, "worker")

    # What must be there: ids, the user id, durations, on both sides.
    finished = [e for e in web_events if e["event"] == "request_finished"]
    assert request_ids <= {e["request_id"] for e in finished}
    mine = [e for e in finished if e.get("user_id") == user.pk]
    assert mine and all(isinstance(e["duration_ms"], int) for e in mine)
    assert {"POST /accounts/signup/", "POST /portal/gegevens/profiel/"} <= {e["request"] for e in finished}
    succeeded = [e for e in worker_events if e["event"] == "task_succeeded"]
    assert {"subscriptions.tasks.process_webhook", "subscriptions.tasks.mail_document"} <= {
        e["task"] for e in succeeded
    }
    assert all(e["task_id"] and isinstance(e["duration_ms"], int) for e in succeeded)
    assert request_ids & {e.get("request_id") for e in worker_events}  # a task carries the id of its request

    # What must not be there, anywhere.
    session_cookie = browser.cookies.get(settings.SESSION_COOKIE_NAME)
    csrf_cookie = browser.cookies.get(settings.CSRF_COOKIE_NAME)
    assert session_cookie and csrf_cookie
    forbidden = {
        "e-mail address": EMAIL,
        "e-mail local part": EMAIL.split("@")[0],
        "username": USERNAME,
        "password": PASSWORD,
        "name": FULL_NAME,
        "surname": "van den Berg",
        "street": STREET,
        "phone": PHONE,
        "typed IBAN": TYPED_IBAN,
        "mandate IBAN": SANDBOX_IBAN,
        "session cookie": session_cookie,
        "CSRF cookie": csrf_cookie,
        "confirmation key": confirmation_key,
        "unsubscribe token": unsubscribe,
        "Mollie key": settings.MOLLIE_SANDBOX_API_KEY,
        "secret key": settings.SECRET_KEY,
        "audit signing key": settings.AUDIT_SIGNING_KEY,
        "MFA key": settings.MFA_ENCRYPTION_KEYS[0],
        "koppeling token key": settings.KOPPELING_TOKEN_KEY[0],
    }
    for source, text in (("web", web_log), ("worker", worker_log)):
        for what, value in forbidden.items():
            assert value.lower() not in text.lower(), f"the {what} is in the {source} log"

"""``manage.py koppeling rotate-keys``: re-encrypt every stored Exact Online token with the
newest key of KOPPELING_TOKEN_KEY. ``new-key``: print a new token key.

``demo-orders --count N``: post N sample orders to the webshop API of a running server, over
real HTTP (``--url``, default SITE_URL), as a webshop would; with ``--key`` or, for
``--user``, a fresh key named "demo-orders" (the user's previous one is revoked). Exit code 1
when an order was refused.

Rotation: (1) put a new key in front of KOPPELING_TOKEN_KEY (``new,old``) and restart;
(2) run ``rotate-keys``; (3) remove the old key and restart. Exit code 1 when a token could
not be read with any configured key (it is then left as it was)."""

from __future__ import annotations

import random
import time

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from koppeling import crypto, services
from koppeling.models import ApiKey, Connection

DEMO_KEY_NAME = "demo-orders"
DEMO_PRODUCTS = [
    ("TULP-10", "Tulpen, bos van 10", "4.95", 9),
    ("VAAS-L", "Vaas, groot", "19.99", 21),
    ("KAART", "Wenskaart", "2.50", 21),
    ("BOEK-KW", "Boek: kweken in huis", "24.95", 9),
    ("BON-25", "Cadeaubon (btw-vrij)", "25.00", 0),
]
DEMO_CUSTOMERS = [
    ("Anna de Vries", "anna@example.nl", "Markt 1", "5611 AA", "Eindhoven", "NL"),
    ("Bram Janssens", "bram@example.be", "Grote Markt 3", "2000", "Antwerpen", "BE"),
    ("Chris Bakker", "chris@example.nl", "Dorpsstraat 12", "1234 AB", "Ergens", "NL"),
]


def demo_order(number: str, *, rng: random.Random) -> dict:
    name, email, street, postal_code, city, country = rng.choice(DEMO_CUSTOMERS)
    lines = [
        {"sku": sku, "description": text, "quantity": rng.randint(1, 4), "unit_price": price, "vat_rate": rate}
        for sku, text, price, rate in rng.sample(DEMO_PRODUCTS, rng.randint(1, 3))
    ]
    return {
        "number": number,
        "date": timezone.localdate().isoformat(),
        "currency": "EUR",
        "customer": {
            "name": name,
            "email": email,
            "address": {"street": street, "postal_code": postal_code, "city": city, "country": country},
        },
        "lines": lines,
        "shipping": {"amount": "4.95", "vat_rate": 21},
        "paid": rng.random() < 0.7,
    }


class Command(BaseCommand):
    help = "Koppeling maintenance. rotate-keys: re-encrypt all Exact Online tokens with the newest key."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["rotate-keys", "new-key", "demo-orders"])
        parser.add_argument("--count", type=int, default=10, help="demo-orders: how many orders (1-1000)")
        parser.add_argument("--url", default="", help="demo-orders: the running server (default SITE_URL)")
        parser.add_argument("--key", default="", help="demo-orders: the webshop API key to send")
        parser.add_argument("--user", default="", help="demo-orders: make a fresh demo key for this username")

    def handle(self, *args, action: str, **options) -> None:
        if action == "demo-orders":
            self._demo_orders(**options)
            return
        if action == "new-key":
            self.stdout.write(crypto.new_key())
            return
        rotated = failed = 0
        ids = list(Connection.objects.exclude(refresh_token_encrypted="").values_list("pk", flat=True))
        for pk in ids:
            with transaction.atomic():
                connection = Connection.objects.select_for_update().filter(pk=pk).first()
                if connection is None or not connection.refresh_token_encrypted:
                    continue
                try:
                    connection.access_token_encrypted = crypto.rotate(connection.access_token_encrypted)
                    connection.refresh_token_encrypted = crypto.rotate(connection.refresh_token_encrypted)
                except crypto.TokenUnreadable:
                    failed += 1
                    self.stderr.write(f"connection {pk}: token unreadable with the configured keys")
                    continue
                connection.save(update_fields=["access_token_encrypted", "refresh_token_encrypted"])
                rotated += 1
        self.stdout.write(f"{rotated} connection(s) re-encrypted with the newest key, {failed} unreadable.")
        if failed:
            raise CommandError(f"{failed} connection(s) could not be decrypted; they were left unchanged.")

    def _demo_key(self, username: str) -> str:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        for key in ApiKey.objects.filter(user=user, name=DEMO_KEY_NAME, revoked_at__isnull=True):
            services.api_key_revoke(user=user, by=user, key_id=key.pk)
        try:
            _key, raw = services.api_key_create(user=user, by=user, name=DEMO_KEY_NAME)
        except services.KoppelingError as exc:
            raise CommandError(f"{username}: {exc}") from exc
        self.stdout.write(f"New API key for {username} ({DEMO_KEY_NAME}): {raw}")
        return raw

    def _demo_orders(self, *, count: int, url: str, key: str, user: str, **_options) -> None:
        if not 1 <= count <= 1000:
            raise CommandError("--count must be between 1 and 1000")
        if not key and not user:
            raise CommandError("give --key (a webshop API key) or --user (make a demo key for that user)")
        raw = key or self._demo_key(user)
        base = (url or settings.SITE_URL).rstrip("/")
        rng = random.Random()
        run = time.strftime("%Y%m%d%H%M%S")
        posted = refused = 0
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {raw}"
            for i in range(1, count + 1):
                number = f"DEMO-{run}-{i}"
                try:
                    answer = http.post(f"{base}/api/v1/orders/", json=demo_order(number, rng=rng), timeout=15)
                except requests.RequestException as exc:
                    raise CommandError(f"{base} cannot be reached: {exc}") from exc
                if answer.status_code in (200, 201):
                    self.stdout.write(f"{number}: {answer.json()['status']} ({answer.status_code})")
                    posted += 1
                    continue
                refused += 1
                try:
                    problem = answer.json()
                    reason = f"{problem.get('title')}: {problem.get('detail')}"
                except ValueError:
                    reason = answer.text[:200]
                self.stderr.write(f"{number}: refused ({answer.status_code}) {reason}")
                if answer.status_code in (401, 403):
                    break  # every further order would be refused for the same reason
        self.stdout.write(f"{posted} order(s) posted to {base}/api/v1/orders/, {refused} refused.")
        if refused:
            raise CommandError("not every order was accepted")

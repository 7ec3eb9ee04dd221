"""``manage.py koppeling rotate-keys``: re-encrypt every stored Exact Online token with the
newest key of KOPPELING_TOKEN_KEY.

Rotation: (1) put a new key in front of KOPPELING_TOKEN_KEY (``new,old``) and restart;
(2) run ``rotate-keys``; (3) remove the old key and restart. Exit code 1 when a token could
not be read with any configured key (it is then left as it was)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from koppeling import crypto
from koppeling.models import Connection


class Command(BaseCommand):
    help = "Koppeling maintenance. rotate-keys: re-encrypt all Exact Online tokens with the newest key."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["rotate-keys", "new-key"])

    def handle(self, *args, action: str, **options) -> None:
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

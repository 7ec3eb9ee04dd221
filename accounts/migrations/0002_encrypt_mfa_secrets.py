"""Encrypt the MFA secrets that were stored in plain text before accounts.mfa.MFAAdapter.

The TOTP secret, the recovery-code seed and any migrated recovery codes get the same
``enc1:`` + Fernet form the adapter writes (the key is MFA_ENCRYPTION_KEY, first entry).
Values that already carry the prefix are left alone, so running it twice changes nothing.
Going back leaves the values encrypted (the adapter reads both forms).
"""

import base64
import hashlib

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import migrations

PREFIX = "enc1:"


def encrypt_plain_secrets(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    key = base64.urlsafe_b64encode(hashlib.sha256(settings.MFA_ENCRYPTION_KEYS[0].encode()).digest())
    fernet = Fernet(key)

    def encrypted(value):
        if not isinstance(value, str) or value.startswith(PREFIX):
            return value
        return PREFIX + fernet.encrypt(value.encode()).decode()

    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]).iterator():
        data = dict(authenticator.data)
        for field in ("secret", "seed"):
            if field in data:
                data[field] = encrypted(data[field])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [encrypted(code) for code in data["migrated_codes"]]
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_plain_secrets, migrations.RunPython.noop)]

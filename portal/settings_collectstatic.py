"""Settings for ``collectstatic`` while the container image is built (Dockerfile).

Static files are collected in production form (compressed, with WhiteNoise's manifest), so the
production settings are needed; but a build has none of production's secrets, and settings
refuse to start without them. These stand-ins fill the gaps for this one command: nothing
here is a real secret, nothing connects anywhere, and no process that serves requests or runs
tasks ever uses this module (the image's DJANGO_SETTINGS_MODULE is portal.settings).
"""

from __future__ import annotations

import os

_BUILD_ONLY = {
    "DJANGO_SECRET_KEY": "collectstatic-at-build-time-only-never-served-000000000000",
    "DJANGO_ALLOWED_HOSTS": "build.invalid",
    "SITE_URL": "https://build.invalid",
    "DATABASE_URL": "postgres://build@build.invalid:5432/build",
    "REDIS_URL": "redis://build.invalid:6379/0",
    "EMAIL_HOST": "build.invalid",
    "MFA_ENCRYPTION_KEY": "collectstatic-at-build-time-only",
    "AUDIT_SIGNING_KEY": "collectstatic-at-build-time-only",
    "MOLLIE_API_KEY": "test_collectstaticatbuildtimeonly00000",
    "EXACT_CLIENT_ID": "collectstatic-at-build-time-only",
    "EXACT_CLIENT_SECRET": "collectstatic-at-build-time-only",
    "KOPPELING_TOKEN_KEY": "Y29sbGVjdHN0YXRpYy1hdC1idWlsZC10aW1lLW9ubHk=",
    "COMPANY_KVK": "00000000",
    "COMPANY_VAT_ID": "NL004495445B01",
    "SINGLE_NODE": "1",
}
if os.environ.get("DJANGO_DEBUG"):
    raise RuntimeError("collectstatic for the image runs in production mode: unset DJANGO_DEBUG.")
for _name, _value in _BUILD_ONLY.items():
    os.environ.setdefault(_name, _value)

from portal.settings import *  # noqa: E402, F403

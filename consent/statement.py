"""PLACEHOLDER, replaced at merge by the "statement" branch's real module.

The cookie part of this app needs two facts about the privacy statement: the version in
force (stored in every consent record) and a revision that changes only when the cookie
part of the statement changes (a change brings the cookie banner back). Until the
versioned statement is merged both come from settings, so tests can change them.
"""

from __future__ import annotations

from django.conf import settings


def current_version_label() -> str:
    """The statement version in force, e.g. "1 (1 januari 2018)"."""
    return getattr(settings, "CONSENT_STATEMENT_VERSION", "1 (1 januari 2018)")


def cookie_revision() -> str:
    """Changes only when the cookie part of the statement changes."""
    return getattr(settings, "CONSENT_COOKIE_REVISION", "1")

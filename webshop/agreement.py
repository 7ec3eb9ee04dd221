"""The verwerkersovereenkomst (data processing agreement) the customer accepts before the
webshop API takes their first order. Its text is ``templates/webshop/agreement/<version>.html``;
a new version is a new template and a new ``CURRENT_VERSION`` (earlier acceptances stay as
the record of what was accepted when)."""

from __future__ import annotations

CURRENT_VERSION = "2026-12-07"


def template_for(version: str) -> str:
    return f"webshop/agreement/{version}.html"

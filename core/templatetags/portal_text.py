"""``{{ amount|euro }}`` and ``{% greeting %}`` for pages and mails."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from core import formatting

register = template.Library()


@register.filter
def euro(amount) -> str:
    return formatting.euro(amount)


@register.filter
def country_name(code) -> str:
    """ "NL" -> "Nederland" (in the active language)."""
    return formatting.country_name(str(code or ""))


@register.filter
def postal_code(value) -> str:
    """ "5617AC" -> "5617 AC"."""
    return formatting.postal_code_display(str(value or ""))


@register.simple_tag(takes_context=True)
def greeting(context, name: str = "") -> str:
    """ "Beste <name>," for every mail: the name given (mails sent through Celery carry it as
    text, from core.formatting.greeting_name), else ``greeting_name`` in the context, else
    the profile's full name or username of ``user``; without any, a greeting without a name."""
    name = name or context.get("greeting_name") or formatting.greeting_name(context.get("user"))
    if name:
        return gettext("Beste %(name)s,") % {"name": name}
    return gettext("Geachte heer, mevrouw,")

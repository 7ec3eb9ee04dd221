"""``{% cookie_banner %}`` and ``{% analytics_loader %}`` for base.html."""

from __future__ import annotations

from django import template
from django.conf import settings

from consent.cookies import selectors as cookies

register = template.Library()


@register.inclusion_tag("consent/_cookie_banner.html", takes_context=True)
def cookie_banner(context) -> dict:
    """The banner, while the visitor has no decision in force (not on the settings page
    itself, which asks the same question)."""
    request = context.get("request")
    if request is None or cookies.decision_in_force(request) is not None:
        return {"show": False}
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "cookies:settings":
        return {"show": False}
    groups = [
        {"varname": varname, "name": cookies.group_name(varname)}
        for varname in [cookies.NECESSARY, *[g.varname for g in cookies.optional_groups()]]
    ]
    return {
        "show": True,
        "groups": groups,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("consent/_analytics.html", takes_context=True)
def analytics_loader(context) -> dict:
    """Google Analytics' loader script when GA_MEASUREMENT_ID is set (nothing at all
    otherwise); it fetches Google's tag only when analytics is accepted."""
    request = context.get("request")
    measurement_id = settings.GA_MEASUREMENT_ID
    if not measurement_id or request is None:
        return {"measurement_id": ""}
    return {"measurement_id": measurement_id, "granted": cookies.allows(request, cookies.ANALYTICS)}

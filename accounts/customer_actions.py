"""The per-customer actions on a customer's page in the admin ("Klantacties").

Each app registers its own actions in its ``admin.py`` (as it registers its model admins):
a name, a label, a form (a :class:`StaffActionForm`, which asks for a reason), the function
that performs it by calling that app's service, who may use it and when it is offered.
``accounts.admin.UserAdmin`` shows the registered actions, checks the permission, and
records the staff action itself through ``accounts.services.staff_action_record``; it knows
no other app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import validation
from accounts.models import User


class StaffActionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden (wordt vastgelegd in het logboek)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("Geef een reden op.")},
    )

    def __init__(self, *args, customer: User, **kwargs) -> None:
        self.customer = customer
        super().__init__(*args, **kwargs)

    def clean_reason(self) -> str:
        reason = validation.plain_text(self.cleaned_data.get("reason") or "")
        if not reason:
            raise forms.ValidationError(_("Geef een reden op."), code="required")
        return reason


def always(customer: User) -> bool:
    return True


@dataclass(frozen=True)
class CustomerAction:
    name: str
    label: Any  # lazy text
    form: type[StaffActionForm]
    perform: Callable[[HttpRequest, User, dict], str]  # calls the app's service; returns the message
    available: Callable[[User], bool] = always
    permission: str = "accounts.change_user"
    # Exceptions with which the service refuses a request (their message is shown to staff).
    refusals: tuple[type[Exception], ...] = ()
    # Calls an outside service (Mollie): run outside our transaction (the staff action is
    # recorded after it), and these exceptions mean it gave no usable answer.
    external: bool = False
    unavailable: tuple[type[Exception], ...] = ()
    unavailable_message: Any = ""
    order: int = 100  # position on the page


_actions: dict[str, CustomerAction] = {}


def register(*actions: CustomerAction) -> None:
    from audit.labels import register_values

    for action in actions:
        if action.name in _actions and _actions[action.name] is not action:
            raise ValueError(f"customer action {action.name!r} registered twice")
        _actions[action.name] = action
    # The customer's Activiteit names the action, never its code (nor the staff's reason).
    register_values("admin_action", {action.name: action.label for action in actions})


def all_actions() -> list[CustomerAction]:
    return sorted(_actions.values(), key=lambda a: (a.order, a.name))


def get(name: str) -> CustomerAction | None:
    return _actions.get(name)


def refusals() -> tuple[type[Exception], ...]:
    """Every registered refusal: a service an action calls may call another app's service
    (closing an account ends the subscription)."""
    return tuple({exc for action in _actions.values() for exc in action.refusals})


def unavailable_message(exc: Exception) -> str | None:
    """The message for an outside service that gave no usable answer, or None."""
    for action in all_actions():
        if action.unavailable and isinstance(exc, action.unavailable):
            return str(action.unavailable_message)
    return None


def unavailable_errors() -> tuple[type[Exception], ...]:
    return tuple({exc for action in _actions.values() for exc in action.unavailable})

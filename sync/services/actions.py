"""What the customer's buttons on the Synchronisatie page do: "Opnieuw proberen", "Alle
fouten opnieuw", "Nu synchroniseren" and "Verbinding testen". Each is audited in its own
transaction; a run is queued by name after commit (``sync.tasks.run_division``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import Action
from audit.services import record
from koppeling import exact
from koppeling.models import Connection
from koppeling.selectors import koppeling_status
from koppeling.services import KoppelingError, with_exact
from sync.models import SyncRun, SyncState
from sync.services.schedule import queue_run
from webshop.models import Order

SYNC_NOW_AT_MOST_EVERY = timedelta(minutes=1)


class SyncActionError(Exception):
    """A request the customer can fix; the message is for them."""


def _require_may_run(user) -> None:
    status = koppeling_status(user=user)
    if not status.may_run:
        raise SyncActionError(
            _("De koppeling is niet actief (%(state)s): er wordt nu niet gesynchroniseerd.") % {"state": status.label}
        )


_RESET = {
    "status": Order.Status.RECEIVED,
    "next_attempt_at": None,
    "error_code": "",
    "error_message": "",
    "error_hint": "",
    "failed_at": None,
}


@transaction.atomic
def retry_order(*, user, by, order_id: int) -> Order:
    """Put one failed order back in the queue and start a run. Another customer's order, or
    one that has not failed, is refused."""
    order = Order.objects.select_for_update().filter(pk=order_id, user=user).first()
    if order is None or order.status != Order.Status.FAILED:
        raise SyncActionError(_("Deze bestelling staat niet (meer) bij de fouten."))
    before = {"status": order.status, "error_code": order.error_code}
    Order.objects.filter(pk=order.pk).update(**_RESET)
    order.refresh_from_db()
    record(
        Action.SYNC_RETRY_REQUESTED,
        actor=by,
        subject=user,
        target=order,
        changes={"status": [before["status"], order.status], "error_code": [before["error_code"], ""]},
    )
    queue_run(user_id=user.pk, trigger=SyncRun.Trigger.RETRY)
    return order


@transaction.atomic
def retry_all_failed(*, user, by) -> int:
    """Put every failed order of the customer back in the queue; the number of orders."""
    count = Order.objects.filter(user=user, status=Order.Status.FAILED).update(**_RESET)
    if count:
        record(Action.SYNC_RETRY_ALL_REQUESTED, actor=by, subject=user, changes={"orders": count})
        queue_run(user_id=user.pk, trigger=SyncRun.Trigger.RETRY)
    return count


@transaction.atomic
def sync_now(*, user, by) -> bool:
    """Queue a run now ("Nu synchroniseren"). False when one was queued within the last
    minute (nothing is queued twice)."""
    _require_may_run(user)
    state, _created = SyncState.objects.select_for_update().get_or_create(user=user)
    if state.queued_at and timezone.now() - state.queued_at < SYNC_NOW_AT_MOST_EVERY:
        return False
    record(Action.SYNC_REQUESTED, actor=by, subject=user)
    queue_run(user_id=user.pk, trigger=SyncRun.Trigger.MANUAL)
    return True


@dataclass(frozen=True)
class ConnectionTest:
    ok: bool
    message: str  # for the customer, in their language
    exact_user: str = ""


def test_connection(*, user, by) -> ConnectionTest:
    """Ask Exact who we are connected as ("Verbinding testen"); audited with the outcome."""
    connection = Connection.objects.filter(user=user).first()
    if connection is None or connection.state != Connection.State.CONNECTED or not connection.division:
        result = ConnectionTest(False, _("Verbind eerst met Exact Online en kies een administratie."))
    else:
        try:
            me = with_exact(connection, lambda token: exact.me(access_token=token))
        except KoppelingError as error:
            result = ConnectionTest(False, str(error))
        except exact.ExactRateLimited:
            result = ConnectionTest(False, _("Exact Online vraagt even te wachten; probeer het over een minuut."))
        except exact.ExactError:
            result = ConnectionTest(False, _("Exact Online is nu niet bereikbaar; probeer het later opnieuw."))
        else:
            result = ConnectionTest(
                True,
                _("De verbinding werkt: verbonden als %(name)s met administratie %(division)s.")
                % {"name": me.full_name or me.user_name, "division": connection.division_name or connection.division},
                exact_user=me.user_name,
            )
    with transaction.atomic():
        record(Action.SYNC_CONNECTION_TESTED, actor=by, subject=user, changes={"ok": result.ok})
    return result

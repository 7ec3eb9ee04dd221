"""``manage.py exact_sandbox``: what a benchmark script uses to compress the clock, arm
faults and play the bookkeeper."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from exact_sandbox import engine
from exact_sandbox.models import SandboxAccount, SandboxFault, SandboxInvoice


def _run(*args: str) -> str:
    out = StringIO()
    call_command("exact_sandbox", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_limits_are_shown_and_changed_and_reset():
    assert "limits on: 60 per 60 s, 5000 per 86400 s; block after 10 errors" in _run("limits")
    assert "limits on: 60 per 6 s, 5000 per 600 s" in _run("limits", "--minute-seconds", "6", "--day-seconds", "600")
    assert "limits off" in _run("limits", "--off")
    config = engine.settings_get()
    assert (config.limits_on, config.minute_seconds, config.day_seconds) == (False, 6, 600)
    _run("reset")
    assert engine.settings_get().day_seconds == 86400


@pytest.mark.django_db
def test_a_fault_is_armed_for_an_endpoint():
    assert "armed" in _run("fault", "commit_then_drop", "--endpoint", "salesinvoice/SalesInvoices", "--times", "2")
    fault = SandboxFault.objects.get()
    assert (fault.kind, fault.endpoint, fault.remaining) == ("commit_then_drop", "salesinvoice/SalesInvoices", 2)
    with pytest.raises(CommandError):
        _run("fault", "commit_then_drop", "--method", "GET")


@pytest.mark.django_db
def test_an_invoice_is_marked_paid_and_a_missing_one_is_a_clear_error():
    account = SandboxAccount.objects.create(division=1001, code="1".rjust(18), name="Klant")
    SandboxInvoice.objects.create(
        division=1001,
        journal="70",
        invoice_number=1,
        ordered_by=account,
        your_ref="WS-1",
        invoice_date="2026-12-01T00:00:00Z",
        amount_excl_vat=10,
        vat_amount=2.1,
    )
    assert "invoice 70/1 WS-1: paid" in _run("paid", "--division", "1001", "--your-ref", "WS-1")
    assert SandboxInvoice.objects.get().paid_at is not None
    with pytest.raises(CommandError, match="0 invoices match"):
        _run("paid", "--division", "1001", "--your-ref", "WS-2")

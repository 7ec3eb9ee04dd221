"""Nothing changes without an event.

Every public function in every app's services is in the ledger below, with either a test
here that runs it under ``audited_writes`` (fails when it writes data without an audit
event), the test elsewhere that asserts its event, or the reason it writes nothing a customer
or staff member sees. A new service that is not in the ledger fails the first test.

Service modules are found by the convention every app follows (docs/architecture.md):
``<app>/services.py`` or the modules of the package ``<app>/services/``, and the same one
level down for an app split in parts (``consent/<part>/services``). Ledger key:
``<app or part>.<function>``, e.g. ``subscriptions.payment_refund``,
``consent.statement.publish_version``."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.utils import timezone

from audit.events import Action
from audit.models import AuditEvent
from audit.testing import audited_writes

ROOT = Path(settings.BASE_DIR)

HERE = "tested here under audited_writes"
LEDGER: dict[str, tuple[str, str]] = {
    "accounts.profile_for": ("creates the empty profile row on first use: nothing visible changes", ""),
    "accounts.profile_update": (HERE, ""),
    "accounts.account_close": (HERE, ""),
    "accounts.profile_changed_by_staff": ("a step of the admin's save, recorded there as admin.changed", ""),
    "accounts.account_close_preview": ("reads only", ""),
    "accounts.staff_action_record": ("elsewhere", "accounts/tests/test_admin_customer_actions.py:admin.changed"),
    "accounts.sessions_end_on_account_close": ("a step of account_close (account.closed)", ""),
    "accounts.mail_on_account_close": ("a step of account_close (account.closed): queues the mail", ""),
    "accounts.account_reopen": ("elsewhere", "accounts/tests/test_admin_customer_actions.py:account.reopened"),
    "accounts.email_verification_resend": (
        "elsewhere",
        "accounts/tests/test_admin_customer_actions.py:account.verification_resent",
    ),
    "accounts.staff_note_add": ("elsewhere", "portal/tests/test_admin_glance.py:admin.note_added"),
    "accounts.mfa_invitation_send": (
        "elsewhere",
        "accounts/tests/test_staff_mfa_invitation.py:staff.mfa_invited",
    ),
    "accounts.mfa_invitation_use": (
        "elsewhere",
        "accounts/tests/test_staff_mfa_invitation.py:staff.mfa_invitation_used",
    ),
    "audit.record": ("the recording function itself", ""),
    "privacy.due_date": ("pure computation", ""),
    "privacy.request_receive": ("elsewhere", "privacy/tests/test_requests.py:privacy.request_received"),
    "privacy.request_identity_checked": (
        "elsewhere",
        "privacy/tests/test_requests.py:privacy.request_identity_checked",
    ),
    "privacy.request_extend": ("elsewhere", "privacy/tests/test_requests.py:privacy.request_extended"),
    "privacy.request_status_set": ("elsewhere", "privacy/tests/test_requests.py:privacy.request_status_changed"),
    "privacy.request_action_add": ("elsewhere", "privacy/tests/test_requests.py:privacy.request_action_added"),
    "privacy.request_export_start": ("elsewhere", "privacy/tests/test_requests.py:retention.export_requested"),
    "privacy.request_reminders_send": ("elsewhere", "privacy/tests/test_requests.py:privacy.request_reminded"),
    "privacy.breach_record": ("elsewhere", "privacy/tests/test_breaches.py:privacy.breach_recorded"),
    "privacy.breach_update": ("elsewhere", "privacy/tests/test_breaches.py:privacy.breach_changed"),
    "privacy.breach_close": ("elsewhere", "privacy/tests/test_breaches.py:privacy.breach_closed"),
    "privacy.disclosure_log": ("elsewhere", "privacy/tests/test_disclosures.py:privacy.disclosure_logged"),
    "privacy.record_download": ("elsewhere", "privacy/tests/test_processing_record.py:privacy.record_downloaded"),
    "audit.diff": ("pure computation", ""),
    "audit.redact_personal_fields": (
        "the redaction path (retention.enforce records retention.enforced)",
        "audit/tests/test_append_only.py",
    ),
    "audit.redact_customers": (
        "the redaction path of an erasure batch (retention.enforce records retention.enforced)",
        "audit/tests/test_append_only.py",
    ),
    "retention.heartbeat": ("operational heartbeat, not customer data", ""),
    "retention.check_heartbeat": ("reads only", ""),
    "retention.enforce": ("elsewhere", "retention/tests/test_account_policy.py:retention.enforced"),
    "retention.export_for_ops": (HERE, ""),
    "retention.hold_add": (HERE, ""),
    "retention.hold_release": (HERE, ""),
    "retention.export_request": (HERE, ""),
    "retention.export_build": ("job progress of a recorded request (retention.export_requested)", ""),
    "retention.export_failed": ("elsewhere", "retention/tests/test_failed_export.py:retention.export_failed"),
    "retention.export_downloaded": (HERE, ""),
    "vies.on_profile_changed": ("a step of profile_update (profile.changed): creates the check", ""),
    "vies.vat_check_request": ("creates the unchecked check; VIES's answer is recorded by vat_check_run", ""),
    "vies.vat_check_run": ("elsewhere", "vies/tests/test_vies_check.py:profile.vat_id_checked"),
    "vies.vat_checks_retry_due": ("calls vat_check_run", ""),
    "vies.vat_checks_renew": ("calls vat_check_request", ""),
    "vies.vat_check_profile": ("calls vat_check_request; staff's action is recorded as admin.changed", ""),
    "subscriptions.payment_method_shown": ("reads the mandate at Mollie for the page; writes nothing", ""),
    "subscriptions.mask_iban": ("pure computation", ""),
    "subscriptions.webhook_url": ("pure computation", ""),
    "subscriptions.subscription_start": ("elsewhere", "subscriptions/tests/test_subscribe.py:subscription.created"),
    "subscriptions.customer_ensure": ("elsewhere", "subscriptions/tests/test_subscribe.py:payment.customer_created"),
    "subscriptions.first_payment_checkout": ("calls Mollie; the payment is recorded by subscription_start", ""),
    "subscriptions.payment_sync": ("fetches and hands over to payment_apply", ""),
    "subscriptions.payment_apply": ("elsewhere", "subscriptions/tests/test_webhook.py:payment.paid"),
    "subscriptions.payment_refund": ("elsewhere", "subscriptions/tests/test_cancel.py:payment.refunded"),
    "subscriptions.subscription_push": ("elsewhere", "subscriptions/tests/test_subscribe.py:subscription.scheduled"),
    "subscriptions.subscription_cancel_at_period_end": (HERE, ""),
    "subscriptions.subscription_cancel_undo": (HERE, ""),
    "subscriptions.subscription_cancel_now": (HERE, ""),
    "subscriptions.subscriptions_end_due": (HERE, ""),
    "subscriptions.reconcile": ("calls payment_apply / subscription_push", ""),
    "subscriptions.document_pdf": ("elsewhere", "subscriptions/tests/test_invoices.py:payment.document_pdf_stored"),
    "subscriptions.document_ubl": ("elsewhere", "subscriptions/tests/test_einvoices.py:payment.document_ubl_stored"),
    "subscriptions.arrears_payment_start": ("elsewhere", "subscriptions/tests/test_dunning.py:payment.created"),
    "subscriptions.past_due_end": (HERE, ""),
    "subscriptions.dunning_run": (HERE, ""),
    "consent.cookies.cookie_choice_record": ("elsewhere", "consent/tests/test_cookie_record.py:consent.given"),
    # --- statement (consent/statement_services.py) ---
    "consent.statement.next_number": ("reads only (the number for a new draft)", ""),
    "consent.statement.publish_version": (
        "elsewhere",
        "consent/tests/test_statement_publishing.py:consent.statement_published",
    ),
    "consent.statement.customers_to_announce": ("reads only", ""),
    "consent.statement.announce_version": ("queues the batches; each mail is recorded by announce_to", ""),
    "consent.statement.customer_language": ("reads only", ""),
    "consent.statement.announce_to": (
        "elsewhere",
        "consent/tests/test_statement_announcement.py:consent.statement_announced",
    ),
    "consent.statement.record_opening": ("elsewhere", "consent/tests/test_statement_notice.py:consent.statement_read"),
    "consent.marketing.mailing_validate": ("pure computation", ""),
    "consent.marketing.preference_set": (HERE, ""),
    "consent.marketing.unsubscribe": ("elsewhere", "consent/tests/test_unsubscribe_link.py:marketing.objected"),
    "consent.marketing.mailing_create": (HERE, ""),
    "consent.marketing.mailing_send": (HERE, ""),
    "consent.marketing.mailing_send_batch": (
        "elsewhere",
        "consent/tests/test_marketing_mailing_send.py:marketing.mailing_finished",
    ),
    "consent.marketing.mailings_resume": ("queues batches of mailings already started (marketing.mailing_started)", ""),
    "subscriptions.confirmation_token": ("pure computation", ""),
    "subscriptions.confirmation_url": ("pure computation", ""),
    "subscriptions.confirmation_send_later": ("queues a mail; the change is profile.changed", ""),
    "subscriptions.on_profile_changed": ("queues the confirmation mail; the change is profile.changed", ""),
    "subscriptions.confirmation_resend": ("sends a mail again; writes nothing", ""),
    "subscriptions.pending_confirmation": ("reads only", ""),
    "subscriptions.billing_email_confirm": (
        "elsewhere",
        "accounts/tests/test_billing_email.py:profile.billing_email_verified",
    ),
    "subscriptions.document_mail_send": (
        "elsewhere",
        "subscriptions/tests/test_invoice_mail.py:payment.document_mailed",
    ),
    "subscriptions.unmailed_documents": ("reads only", ""),
    # Closing an account (settings.ACCOUNT_CLOSE_STEPS): billing's step and its parts.
    "subscriptions.staff_end_outcome": ("reads only", ""),
    "subscriptions.checkout_withdraw": (
        "elsewhere",
        "subscriptions/tests/test_checkout_withdraw.py:subscription.canceled",
    ),
    "subscriptions.interval_credit": ("pure computation", ""),
    "subscriptions.plan_change_quote": ("reads only (the confirmation page's quote)", ""),
    "subscriptions.plan_change_withdraw": (
        "elsewhere",
        "subscriptions/tests/test_plan_moves.py:subscription.plan_change_withdrawn",
    ),
    "subscriptions.subscription_end_by_staff": (
        "elsewhere",
        "subscriptions/tests/test_admin_customer_billing.py:subscription.closure_settled",
    ),
    "subscriptions.billing_on_account_close": ("calls settle_on_account_close and subscription_cancel_now", ""),
    "subscriptions.settle_on_account_close": (
        "elsewhere",
        "subscriptions/tests/test_closure_refund.py:subscription.closure_settled",
    ),
    "subscriptions.refund_unused_days": ("calls payment_refund (payment.refunded when Mollie reports it)", ""),
    "subscriptions.late_charges_refund": (
        "elsewhere",
        "subscriptions/tests/test_closure_refund.py:payment.refunded",
    ),
    "subscriptions.closure_preview": ("reads only", ""),
    # koppeling
    "koppeling.connection_authorize": ("elsewhere", "koppeling/tests/test_connect_flow.py:koppeling.authorized"),
    "koppeling.connection_choose_division": ("elsewhere", "koppeling/tests/test_connect_flow.py:koppeling.connected"),
    "koppeling.connection_disconnect": ("elsewhere", "koppeling/tests/test_connect_flow.py:koppeling.disconnected"),
    "koppeling.disconnect_on_account_close": ("calls connection_disconnect", ""),
    "koppeling.connection_access_token": (
        "elsewhere",  # a successful refresh only replaces the encrypted token pair (no customer change)
        "koppeling/tests/test_token_refresh.py:koppeling.reconnect_needed",
    ),
    "koppeling.with_exact": ("calls connection_access_token", ""),
    "koppeling.options_refresh": ("caches Exact's lists (journals, VAT codes, GL accounts); no customer change", ""),
    "koppeling.settings_for": ("creates the empty settings row on first use: nothing visible changes", ""),
    "koppeling.settings_update": ("elsewhere", "koppeling/tests/test_settings.py:koppeling.settings_changed"),
    "koppeling.koppeling_pause": ("elsewhere", "koppeling/tests/test_settings.py:koppeling.paused"),
    "koppeling.koppeling_resume": ("elsewhere", "koppeling/tests/test_settings.py:koppeling.resumed"),
    "koppeling.api_key_hash": ("pure computation", ""),
    "koppeling.api_key_create": ("elsewhere", "koppeling/tests/test_api_keys.py:koppeling.api_key_created"),
    "koppeling.api_key_revoke": ("elsewhere", "koppeling/tests/test_api_keys.py:koppeling.api_key_revoked"),
    "koppeling.api_keys_revoke_on_account_close": (
        "elsewhere",
        "koppeling/tests/test_register_and_closure.py:koppeling.api_key_revoked",
    ),
    "webshop.canonical_payload": ("pure computation", ""),
    "webshop.content_hash": ("pure computation", ""),
    "webshop.order_amounts": ("pure computation", ""),
    "webshop.processor_agreement_accept": (
        "elsewhere",
        "webshop/tests/test_processor_agreement.py:webshop.processor_agreement_accepted",
    ),
    "webshop.orders_strip_personal_data": (
        "the redaction path of a retention run (retention.enforce records retention.enforced)",
        "",
    ),
    "webshop.order_receive": (
        "the webshop's order as it posted it (the processor's order log, not a customer action in the portal)",
        "",
    ),
    "koppeling.api_key_authenticate": ("notes the key's last use (shown on the keys page); no customer change", ""),
    # The sync engine (sync/services/*.py): runs are operational records, not audit events.
    "sync.run_division": ("a run writes the sync fields of orders and its SyncRun: not a customer action", ""),
    "sync.division_lock": ("a lock, writes nothing", ""),
    "sync.due_user_ids": ("reads only", ""),
    "sync.tick": ("queues due runs (SyncState.queued_at): not a customer action", ""),
    "sync.queue_run": ("a step of sync_now and the retries (their events)", ""),
    "sync.send_digests": ("queues the daily error mail (SyncState.digest_sent_at): not a customer action", ""),
    "sync.retry_order": ("elsewhere", "sync/tests/test_actions.py:sync.retry_requested"),
    "sync.retry_all_failed": ("elsewhere", "sync/tests/test_actions.py:sync.retry_all_requested"),
    "sync.sync_now": ("elsewhere", "sync/tests/test_actions.py:sync.requested"),
    "sync.test_connection": ("elsewhere", "sync/tests/test_actions.py:sync.connection_tested"),
    # The billing services package: the helpers its modules share (subscriptions/services/*.py).
    "subscriptions.current_time": ("clock", ""),
    "subscriptions.current_language": ("reads only", ""),
    "subscriptions.lock_subscription": ("reads only (a row lock)", ""),
    "subscriptions.lock_payment": ("reads only (a row lock)", ""),
    "subscriptions.lock_billing": ("reads only (row locks in the one lock order)", ""),
    "subscriptions.push_later": ("queues subscription_push after commit", ""),
    "subscriptions.pdf_later": ("queues document_pdf after commit", ""),
    "subscriptions.invoice_issue": ("elsewhere", "subscriptions/tests/test_subscribe.py:payment.invoice_issued"),
    "subscriptions.credit_note_issue": ("elsewhere", "subscriptions/tests/test_invoices.py:payment.credit_note_issued"),
    "subscriptions.past_due_start": ("elsewhere", "subscriptions/tests/test_dunning.py:subscription.past_due"),
    "subscriptions.past_due_clear": ("elsewhere", "subscriptions/tests/test_dunning.py:subscription.past_due_ended"),
    "subscriptions.charges_stopped": ("elsewhere", "subscriptions/tests/test_dunning.py:subscription.unscheduled"),
    "subscriptions.apply_remote_payment": ("elsewhere", "subscriptions/tests/test_webhook.py:payment.paid"),
    "subscriptions.payment_abandon": ("calls the status change of payment_apply (payment.status_changed)", ""),
    "subscriptions.mollie_customers_forget": (
        "part of the account erasure (retention.enforced records it); the deletion at Mollie is recorded",
        "",
    ),
    "subscriptions.mollie_customers_delete": (
        "elsewhere",
        "subscriptions/tests/test_erasure_at_mollie.py:payment.customer_deleted",
    ),
    # Self-service plan and payment-method changes (plans branch).
    "subscriptions.proration": ("pure computation", ""),
    "subscriptions.plan_change_request": (
        "elsewhere",
        "subscriptions/tests/test_plan_change.py:subscription.plan_change_requested",
    ),
    "subscriptions.proration_settled": (
        "elsewhere",
        "subscriptions/tests/test_plan_change.py:subscription.plan_change_failed",
    ),
    "subscriptions.scheduled_apply": ("elsewhere", "subscriptions/tests/test_plan_change.py:subscription.plan_changed"),
    "subscriptions.plan_changes_due": (
        "elsewhere",
        "subscriptions/tests/test_plan_change.py:subscription.plan_changed",
    ),
    "subscriptions.plan_change_mollie_update": (
        "elsewhere",
        "subscriptions/tests/test_plan_change.py:subscription.plan_change_mollie_updated",
    ),
    "subscriptions.verification_settled": (
        "elsewhere",
        "subscriptions/tests/test_payment_method_change.py:payment.mandate_changed",
    ),
    "subscriptions.plan_change_start": ("calls plan_change_request and plan_change_charge", ""),
    "subscriptions.plan_change_charge": ("calls Mollie; its answer is applied by payment_apply", ""),
    "subscriptions.payment_method_change_start": (
        "elsewhere",
        "subscriptions/tests/test_payment_method_change.py:payment.method_change_requested",
    ),
    "subscriptions.verification_checkout": ("calls Mollie; its answer is applied by payment_apply", ""),
    "subscriptions.mandate_change_finish": (
        "elsewhere",
        "subscriptions/tests/test_payment_method_change.py:payment.mandate_revoked",
    ),
    "subscriptions.self_service_repair": ("calls the services above", ""),
}


def _project_apps() -> list[str]:
    """The installed apps that are part of this project (not libraries)."""
    return [config.name for config in django_apps.get_app_configs() if Path(config.path).parent == ROOT]


def _import_if_present(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


def service_modules() -> dict[str, list]:
    """``{owner: [modules]}``: for each app and each subpackage of an app (its parts), the
    ``services`` module, or every module of the ``services`` package."""
    found: dict[str, list] = {}
    for app in _project_apps():
        package = importlib.import_module(app)
        parts = [info.name for info in pkgutil.iter_modules(package.__path__) if info.ispkg]
        for owner in [app, *(f"{app}.{part}" for part in parts if part not in NOT_PARTS)]:
            module = _import_if_present(f"{owner}.services")
            if module is None:
                continue
            modules = [module]
            for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
                modules.append(importlib.import_module(f"{module.__name__}.{info.name}"))
            found[owner] = modules
    return found


# Subpackages that are not parts of an app.
NOT_PARTS = {"migrations", "management", "templatetags", "tests", "services", "testing", "contract"}


def public_services() -> set[str]:
    """``<owner>.<function>`` for every public function defined in a service module (a
    package's modules share one namespace: a name is defined once)."""
    found: set[str] = set()
    for owner, modules in service_modules().items():
        for module in modules:
            for name, function in inspect.getmembers(module, inspect.isfunction):
                if function.__module__ == module.__name__ and not name.startswith("_"):
                    assert f"{owner}.{name}" not in found, f"{owner}.{name} is defined in two service modules"
                    found.add(f"{owner}.{name}")
    return found


def test_service_modules_are_found_by_the_convention():
    """The convention finds the split apps' parts, not only ``<app>/services.py``."""
    owners = set(service_modules())
    assert {"accounts", "audit", "retention", "subscriptions", "koppeling"} <= owners
    assert {"consent.cookies", "consent.statement", "consent.marketing"} <= owners


def test_every_service_is_in_the_ledger():
    services = public_services()
    missing = sorted(services - set(LEDGER))
    assert missing == [], f"services without proof of their audit event (add a test and a ledger line): {missing}"
    assert sorted(set(LEDGER) - services) == [], "ledger lines for services that no longer exist"


@pytest.mark.parametrize("service", sorted(name for name, (kind, _) in LEDGER.items() if kind == "elsewhere"))
def test_services_proven_elsewhere_have_a_test_asserting_their_event(service):
    path, action = LEDGER[service][1].split(":")
    Action(action)
    text = (ROOT / path).read_text()
    assert action in text and "AuditEvent" in text


@pytest.fixture
def staff(make_user):
    return make_user("beheerder", staff=True)


@pytest.mark.django_db
def test_profile_update(customer):
    from accounts import services

    services.profile_for(customer)
    with audited_writes():
        services.profile_update(user=customer, by=customer, data={"city": "Tilburg"})
    assert AuditEvent.objects.filter(action=Action.PROFILE_CHANGED, subject_id=customer.pk).count() == 1


@pytest.mark.django_db
def test_account_close(customer):
    from accounts import services

    with audited_writes():
        services.account_close(user=customer, by=customer)
    assert AuditEvent.objects.filter(action=Action.ACCOUNT_CLOSED, subject_id=customer.pk).exists()


@pytest.mark.django_db
def test_holds_and_exports(customer, staff):
    from retention import services

    with audited_writes():
        hold = services.hold_add(user=customer, reason="Aangifte", by=staff)
    with audited_writes():
        services.hold_release(hold_id=hold.pk, by=staff)
    with audited_writes():
        export = services.export_request(user=customer)
    with audited_writes(require_write=False):
        services.export_downloaded(export=export, by=customer)
    with audited_writes(require_write=False) as writes:
        services.export_for_ops(user=customer, by=staff)
    assert writes.audited  # staff reading a customer's data is evidence too
    actions = set(AuditEvent.objects.filter(subject_id=customer.pk).values_list("action", flat=True))
    assert {
        "retention.hold_added",
        "retention.hold_released",
        "retention.export_requested",
        "retention.export_downloaded",
    } <= actions


@pytest.fixture
def subscription(customer):
    from subscriptions.models import MollieCustomer, Plan, Subscription

    plan = Plan.objects.create(name="Basis", price=Decimal("25.00"))
    mollie_customer = MollieCustomer.objects.create(user=customer, mollie_id="cst_audit1")
    return Subscription.objects.create(
        user=customer,
        customer=mollie_customer,
        plan=plan,
        status="active",
        amount_net=Decimal("25.00"),
        vat_rate=Decimal("21.0"),
        amount_gross=Decimal("30.25"),
        started_at=timezone.now(),
        current_period_end=date.today() + timedelta(days=20),  # noqa: DTZ011
    )


@pytest.mark.django_db
def test_subscription_cancel_undo_and_cancel_now(subscription, customer, staff):
    from subscriptions import services

    with audited_writes():
        services.subscription_cancel_at_period_end(subscription=subscription, by=customer)
    with audited_writes():
        services.subscription_cancel_undo(subscription=subscription, by=customer)
    with audited_writes():
        services.subscription_cancel_now(subscription=subscription, by=staff, reason="fraude")
    actions = list(
        AuditEvent.objects.filter(subject_id=customer.pk, action__startswith="subscription.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["subscription.cancel_requested", "subscription.cancel_undone", "subscription.canceled"]


@pytest.mark.django_db
def test_audited_writes_fails_for_a_write_without_an_event(customer):
    from accounts.models import Profile

    with pytest.raises(AssertionError, match="without an audit event"), audited_writes():
        Profile.objects.create(user=customer, city="Breda")


@pytest.mark.django_db
def test_subscriptions_end_due(subscription, customer):
    from subscriptions import services

    subscription.cancel_at_period_end = True
    subscription.current_period_end = date.today() - timedelta(days=1)  # noqa: DTZ011
    subscription.save()
    with audited_writes():
        assert services.subscriptions_end_due() == 1
    assert AuditEvent.objects.filter(subject_id=customer.pk, action="subscription.ended").exists()


@pytest.mark.django_db
def test_dunning_run_and_past_due_end(subscription, customer, staff):
    from datetime import datetime, time

    from subscriptions import services

    failed_on = date.today() - timedelta(days=4)  # noqa: DTZ011
    subscription.status = "suspended"
    subscription.dunning_since = timezone.make_aware(datetime.combine(failed_on, time(10)))
    subscription.dunning_amount = Decimal("30.25")
    subscription.save()
    with audited_writes():
        assert services.dunning_run().reminders_sent == 1
    with audited_writes(require_write=False) as writes:
        assert services.dunning_run().reminders_sent == 0
    assert not writes.data_tables  # a second run the same day changes nothing
    with audited_writes():
        services.past_due_end(subscription=subscription, by=staff, reason="betaald per bank")
    actions = list(
        AuditEvent.objects.filter(subject_id=customer.pk, action__startswith="subscription.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["subscription.payment_reminder", "subscription.past_due_ended"]


@pytest.mark.django_db
def test_marketing_choice_and_mailings(customer, staff):
    from consent.marketing import services

    with audited_writes():
        services.preference_set(user=customer, objected=True, via=services.Via.PREFERENCES, by=customer)
    with audited_writes():
        services.preference_set(user=customer, objected=False, via=services.Via.PREFERENCES, by=customer)
    with audited_writes():
        mailing = services.mailing_create(subject_nl="Nieuw", body_nl="Tekst", by=staff)
    with audited_writes():
        services.mailing_send(mailing=mailing, by=staff)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "marketing.objected",
        "marketing.opted_in",
        "marketing.mailing_created",
        "marketing.mailing_started",
    } <= actions

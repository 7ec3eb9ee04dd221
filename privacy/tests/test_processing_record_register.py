"""Every entry of the register states what the Article 30 record needs.

Walks the register as it is collected at start-up (every app's ``personal_data.py``): an
entry without its people, data, recipients, security measures (or any other field the record
prints), or naming a recipient that is not in the processors list, fails this test with the
entry's name and the field."""

from __future__ import annotations

from dataclasses import replace

import pytest

from consent.models import Processor
from privacy import selectors
from register import registry
from register.registry import Role

pytestmark = pytest.mark.django_db


def _processor_keys() -> set[str]:
    return set(Processor.objects.values_list("key", flat=True))


def test_every_register_entry_has_every_field_the_record_needs():
    keys = _processor_keys()
    assert {"hosting", "mail", "mollie", "google"} <= keys  # the seeded processors list
    gaps = {c.name: selectors.record_gaps(c, keys) for c in registry.categories()}
    missing = [f"{name}: {', '.join(fields)}" for name, fields in gaps.items() if fields]
    assert not missing, "register entries lack what the Article 30 record needs:\n" + "\n".join(missing)


def test_an_entry_without_people_security_or_a_known_recipient_is_named_with_the_field():
    """The check the test above runs can fail: it names each missing field."""
    account = registry.get("account")
    lacking = replace(account, data_subjects=(), security="", recipients=("hosting", "onbekend"))
    assert selectors.record_gaps(lacking, _processor_keys()) == ["data_subjects", "security", "recipients:onbekend"]
    assert selectors.record_gaps(replace(account, recipients=()), _processor_keys()) == ["recipients"]


def test_a_processor_entry_must_name_the_customers_it_is_processed_for():
    orders = registry.get("webshop_order_personal")
    assert orders.role == Role.PROCESSOR and orders.controllers is not None
    assert selectors.record_gaps(replace(orders, controllers=None), _processor_keys()) == ["controllers"]


def test_a_recipient_outside_the_eu_shows_in_the_record_with_its_basis(monkeypatch):
    """Transfers outside the EU are not typed per entry: they come from the processors list
    (country, outside the EU, basis; the database refuses one outside the EU without a
    basis). No entry names Google today, so one is made to."""
    google = Processor.objects.get(key="google")
    assert google.outside_eu and google.transfer_basis_nl
    record = selectors.processing_record(language="nl")
    assert all(not a.transfers for a in record.controller_activities + record.processor_activities)

    account = registry.get("account")
    monkeypatch.setitem(registry._registry, "account", replace(account, recipients=("hosting", "google")))
    record = selectors.processing_record(language="nl")
    (activity,) = [a for a in record.controller_activities if a.key == "account"]
    assert activity.recipients == ["Hostingprovider", "Google (Google Analytics)"]
    assert activity.transfers == [
        "Google (Google Analytics) (Verenigde Staten van Amerika): EU-VS Data Privacy Framework "
        "(adequaatheidsbesluit van de Europese Commissie)"
    ]
    english = selectors.processing_record(language="en")
    (activity,) = [a for a in english.controller_activities if a.key == "account"]
    assert activity.transfers[0].startswith(
        "Google (Google Analytics) (United States of America): EU-US Data Privacy Framework"
    )

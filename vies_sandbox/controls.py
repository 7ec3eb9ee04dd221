"""Operator actions on the sandbox, shared by ``manage.py vies_sandbox`` and the tests."""

from __future__ import annotations

from vies_sandbox.models import SandboxFault, SandboxRegistration


def register(vat_id: str, *, valid: bool = True, name: str = "", address: str = "") -> SandboxRegistration:
    """What the member state's register says about ``vat_id`` from now on."""
    registration, _created = SandboxRegistration.objects.update_or_create(
        vat_id=vat_id.replace(" ", "").upper(), defaults={"valid": valid, "name": name, "address": address}
    )
    return registration


def add_fault(kind: str, *, country: str = "", count: int = 1, delay_seconds: float = 3.0) -> SandboxFault:
    if kind not in SandboxFault.Kind.values:
        raise ValueError(f"Unknown fault {kind!r}; choose from {', '.join(SandboxFault.Kind.values)}.")
    return SandboxFault.objects.create(kind=kind, country=country.upper(), remaining=count, delay_seconds=delay_seconds)


def clear_faults() -> int:
    return SandboxFault.objects.filter(remaining__gt=0).update(remaining=0)

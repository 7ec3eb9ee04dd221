"""Backups (``manage.py backup``, docs/operations.md "Backups and restore") hold a copy of
every kind of personal data in the register. They are not rows the retention job can reach:
``manage.py backup`` removes backups older than this period each time it makes one, and the
statement says that data erased from the portal lives on in backups until they expire."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from register.registry import Category, DataSubject, EndAction, LegalBasis, Period, register

BACKUP_PERIOD = Period(days=35)

BACKUPS = Category(
    name="backups",
    verbose_name=_("Back-ups"),
    purpose=_(
        "De gegevens herstellen na een storing, een fout of een aanval. Gegevens die wij wissen of "
        "anonimiseren, blijven in de back-ups van daarvoor staan tot die back-ups verlopen; "
        "wij gebruiken ze alleen om de dienst te herstellen."
    ),
    legal_basis=LegalBasis.LEGITIMATE_INTEREST,
    clock_start=_("het maken van de back-up"),
    period=BACKUP_PERIOD,
    end_action=EndAction.DELETE,
    data=_("een kopie van de database met alle gegevens hierboven"),
    order=990,
    app_label="portal",
    recipients=("hosting",),
    data_subjects=(
        DataSubject.CUSTOMERS,
        DataSubject.STAFF,
        DataSubject.VISITORS,
        DataSubject.REQUESTERS,
        DataSubject.BREACH_AFFECTED,
        DataSubject.SHOP_CUSTOMERS,
    ),
    security=_(
        "Opgeslagen op andere opslag dan de database, versleuteld; bij terugzetten gecontroleerd met SHA-256 en de ondertekende controlepunten van het logboek."
    ),
)

register(BACKUPS)

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Toestemming en privacyverklaring")

    def ready(self) -> None:
        # Registered under their names, which the services queue (core.on_commit.after_commit).
        from consent.marketing import tasks as marketing_tasks  # noqa: F401
        from consent.statement import tasks as statement_tasks  # noqa: F401

        post_migrate.connect(_ensure_statement_seed, sender=self)


def _ensure_statement_seed(sender, using: str = "default", **kwargs) -> None:
    """Put the seed statement back when there is no version at all: the data migration
    made it, but a database flush (between transactional tests) empties the table and then
    sends post_migrate, as it does for content types."""
    import importlib

    from django.apps import apps
    from django.db import connections

    from consent.models import StatementVersion

    if StatementVersion._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated backwards, or not yet forwards
    if StatementVersion.objects.using(using).exists():
        return
    seed = importlib.import_module("consent.migrations.0004_seed_statement_and_processors")
    seed.seed(apps, None)

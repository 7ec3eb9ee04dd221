"""The staff roles (groups with their permissions, ``accounts.roles``). Idempotent: it sets
the groups to the definition, whatever was there. Permissions are made here first, as
``migrate`` only makes them after the last migration."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    from accounts.roles import sync_roles

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_staff_note"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("audit", "0009_action_without_choices"),
        ("subscriptions", "0012_payment_late_refund"),
        ("retention", "0003_index_closed_accounts"),
        ("consent", "0004_seed_statement_and_processors"),
        ("vies", "0001_vat_checks"),
        ("sync", "0001_initial"),
        ("cookie_consent", "0004_cookie_natural_key"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]

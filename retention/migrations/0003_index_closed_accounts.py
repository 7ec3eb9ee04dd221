"""Index accounts_user.closed_at for closed accounts only, so that finding the accounts due
for erasure reads the due rows, not the whole user table. (Kept here, not in accounts, as
it serves only retention; IF NOT EXISTS so accounts may adopt it later.)"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("retention", "0002_start_heartbeat_clock"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS retention_user_closed_at ON accounts_user (closed_at) WHERE closed_at IS NOT NULL",
            "DROP INDEX IF EXISTS retention_user_closed_at",
        ),
    ]

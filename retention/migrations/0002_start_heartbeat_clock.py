"""Start the heartbeat clock at install time: a fresh install is not "overdue" before its
first run was due."""

from django.db import migrations
from django.utils import timezone


def start_heartbeat(apps, schema_editor):
    Heartbeat = apps.get_model("retention", "Heartbeat")
    Heartbeat.objects.get_or_create(name="enforce", defaults={"installed_at": timezone.now()})


class Migration(migrations.Migration):

    dependencies = [("retention", "0001_legal_holds_runs_and_exports")]

    operations = [migrations.RunPython(start_heartbeat, migrations.RunPython.noop)]

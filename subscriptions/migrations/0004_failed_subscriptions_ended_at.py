"""Subscriptions that never started (status "failed") get an end, so retention can remove
their billing rows seven years later: the time of their last payment's last change, or
their own creation when they have no payment."""

from django.db import migrations
from django.db.models import Max


def set_ended_at(apps, schema_editor):
    Subscription = apps.get_model("subscriptions", "Subscription")
    for subscription in Subscription.objects.filter(status="failed", ended_at__isnull=True).annotate(last=Max("payments__updated_at")):
        subscription.ended_at = subscription.last or subscription.created_at
        subscription.save(update_fields=["ended_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0003_dunning"),
    ]

    operations = [
        migrations.RunPython(set_ended_at, migrations.RunPython.noop),
    ]

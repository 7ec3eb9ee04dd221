"""Invoice and credit note snapshots keep only what the invoice shows of the customer.

Earlier snapshots also held the customer's e-mail address and username, which no invoice
prints and which then outlived the account's erasure by up to seven years. This removes
exactly those two keys from every billing snapshot. Nothing else of an issued document
changes: the stored PDF (the document as issued, never printing either value) and its
SHA-256 stay as they are, so the digest in the audit event that stored it still matches,
and a PDF rendered later from the row shows the same customer block.
"""

from django.db import migrations

DROPPED = ("email", "username")


def drop_email_and_username(apps, schema_editor):
    for name in ("Invoice", "CreditNote"):
        model = apps.get_model("subscriptions", name)
        for pk, snapshot in model.objects.values_list("pk", "billing_snapshot").iterator():
            if isinstance(snapshot, dict) and any(key in snapshot for key in DROPPED):
                kept = {key: value for key, value in snapshot.items() if key not in DROPPED}
                model.objects.filter(pk=pk).update(billing_snapshot=kept)


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0006_billing_documents_mailed_at"),
    ]

    operations = [
        migrations.RunPython(drop_email_and_username, migrations.RunPython.noop, elidable=True),
    ]

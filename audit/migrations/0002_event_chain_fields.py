"""Schema for the hash chain: chain, sequence number, salt, digests, field names, redaction
time; IP address and changes become text stored exactly as hashed.

Existing rows get placeholder values here; 0003 computes their real ones and 0004 adds the
constraints and the guard trigger."""

from django.db import migrations, models

import audit.fields


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.BigIntegerField(default=0, help_text="De klant-id, of 0 voor gebeurtenissen zonder klant.", verbose_name="keten"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(default=0, verbose_name="volgnummer"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="salt",
            field=models.CharField(blank=True, max_length=32, verbose_name="zout"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="personal_digest",
            field=models.CharField(default="", max_length=64, verbose_name="digest persoonsgegevens"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="digest",
            field=models.CharField(default="", max_length=64, verbose_name="digest"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain_value",
            field=models.CharField(default="", max_length=64, verbose_name="ketenwaarde"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="redacted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="persoonsgegevens verwijderd op"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="fields",
            field=models.TextField(blank=True, default="[]", verbose_name="gewijzigde velden"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="changes",
            field=audit.fields.CanonicalJSONField(blank=True, default=dict, verbose_name="wijzigingen"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="ip",
            field=models.CharField(blank=True, max_length=45, null=True, verbose_name="IP-adres"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="subject_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="klant-id"),
        ),
    ]

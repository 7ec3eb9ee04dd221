"""Statement versions, the register of processors, announcements and readings.

A published statement version can never change: a trigger refuses UPDATE and DELETE of a
published row (PostgreSQL, and SQLite for the development database)."""

import django.db.models.deletion
import django_countries.fields
from django.conf import settings
from django.db import migrations, models

POSTGRES_FREEZE = """
CREATE FUNCTION consent_statement_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'published' THEN
        RAISE EXCEPTION 'statement version % is published and cannot be changed', OLD.number
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER consent_statement_frozen BEFORE UPDATE OR DELETE ON consent_statementversion
    FOR EACH ROW EXECUTE FUNCTION consent_statement_frozen();
"""
POSTGRES_THAW = """
DROP TRIGGER IF EXISTS consent_statement_frozen ON consent_statementversion;
DROP FUNCTION IF EXISTS consent_statement_frozen();
"""
SQLITE_FREEZE = [
    f"""CREATE TRIGGER consent_statement_frozen_{op.lower()} BEFORE {op} ON consent_statementversion
    FOR EACH ROW WHEN OLD.status = 'published'
    BEGIN SELECT RAISE(ABORT, 'statement version is published and cannot be changed'); END"""
    for op in ("UPDATE", "DELETE")
]
SQLITE_THAW = [f"DROP TRIGGER IF EXISTS consent_statement_frozen_{op}" for op in ("update", "delete")]


def freeze_published_versions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FREEZE, None)  # None: the % in the message is not a parameter
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FREEZE:
            schema_editor.execute(statement)


def thaw_published_versions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_THAW, None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_THAW:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("consent", "0002_marketing"),
    ]

    operations = [
        migrations.CreateModel(
            name='Processor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.SlugField(help_text='Vaste naam waarmee het register naar deze partij verwijst, bijv. mollie.', max_length=40, unique=True, verbose_name='sleutel')),
                ('name', models.CharField(max_length=150, verbose_name='naam')),
                ('purpose_nl', models.CharField(max_length=300, verbose_name='doel (Nederlands)')),
                ('purpose_en', models.CharField(max_length=300, verbose_name='doel (Engels)')),
                ('country', django_countries.fields.CountryField(max_length=2, verbose_name='land')),
                ('outside_eu', models.BooleanField(default=False, verbose_name='buiten de EU')),
                ('transfer_basis_nl', models.CharField(blank=True, help_text='Verplicht buiten de EU, bijv. het EU-VS Data Privacy Framework of modelcontractbepalingen.', max_length=300, verbose_name='doorgiftegrondslag (Nederlands)')),
                ('transfer_basis_en', models.CharField(blank=True, max_length=300, verbose_name='doorgiftegrondslag (Engels)')),
                ('agreement_date', models.DateField(blank=True, null=True, verbose_name='verwerkersovereenkomst gesloten op')),
                ('order', models.PositiveSmallIntegerField(default=100, verbose_name='volgorde')),
            ],
            options={
                'verbose_name': 'ontvanger of verwerker',
                'verbose_name_plural': 'ontvangers en verwerkers',
                'ordering': ('order', 'name'),
                'constraints': [models.CheckConstraint(condition=models.Q(('outside_eu', False), models.Q(('transfer_basis_nl', ''), _negated=True), _connector='OR'), name='processor_outside_eu_has_basis')],
            },
        ),
        migrations.CreateModel(
            name='StatementVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(editable=False, unique=True, verbose_name='versie')),
                ('status', models.CharField(choices=[('draft', 'concept'), ('published', 'gepubliceerd')], default='draft', max_length=16, verbose_name='status')),
                ('effective_date', models.DateField(help_text='De datum waarop deze versie ingaat; tot dan blijft de vorige versie gelden.', verbose_name='geldig vanaf')),
                ('summary_nl', models.TextField(blank=True, help_text='Korte samenvatting voor de aankondiging per e-mail en in het portaal.', verbose_name='wat is er veranderd (Nederlands)')),
                ('summary_en', models.TextField(blank=True, verbose_name='wat is er veranderd (Engels)')),
                ('intro_nl', models.TextField(verbose_name='inleiding (Nederlands)')),
                ('intro_en', models.TextField(verbose_name='inleiding (Engels)')),
                ('service_nl', models.TextField(verbose_name='portaal, abonnement en account (Nederlands)')),
                ('service_en', models.TextField(verbose_name='portaal, abonnement en account (Engels)')),
                ('sharing_nl', models.TextField(verbose_name='verstrekking aan anderen (Nederlands)')),
                ('sharing_en', models.TextField(verbose_name='verstrekking aan anderen (Engels)')),
                ('advertising_nl', models.TextField(verbose_name='reclame (Nederlands)')),
                ('advertising_en', models.TextField(verbose_name='reclame (Engels)')),
                ('cookies_nl', models.TextField(verbose_name='cookies (Nederlands)')),
                ('cookies_en', models.TextField(verbose_name='cookies (Engels)')),
                ('analytics_nl', models.TextField(verbose_name='Google Analytics (Nederlands)')),
                ('analytics_en', models.TextField(verbose_name='Google Analytics (Engels)')),
                ('security_nl', models.TextField(verbose_name='beveiliging (Nederlands)')),
                ('security_en', models.TextField(verbose_name='beveiliging (Engels)')),
                ('changes_nl', models.TextField(verbose_name='wijzigingen (Nederlands)')),
                ('changes_en', models.TextField(verbose_name='wijzigingen (Engels)')),
                ('complaint_nl', models.TextField(verbose_name='klacht indienen (Nederlands)')),
                ('complaint_en', models.TextField(verbose_name='klacht indienen (Engels)')),
                ('data_snapshot', models.JSONField(blank=True, default=dict, editable=False, verbose_name='gegevensparagrafen bij publicatie')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='aangemaakt op')),
                ('published_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='gepubliceerd op')),
            ],
            options={
                'verbose_name': 'versie van de privacyverklaring',
                'verbose_name_plural': 'versies van de privacyverklaring',
                'ordering': ('-number',),
                'indexes': [models.Index(condition=models.Q(('status', 'published')), fields=['-effective_date', '-number'], name='statement_published_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('status', 'draft'), ('published_at__isnull', False), _connector='OR'), name='statement_published_has_time')],
            },
        ),
        migrations.CreateModel(
            name='StatementReading',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('opened_at', models.DateTimeField(verbose_name='geopend op')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='readings', to='consent.statementversion')),
            ],
            options={
                'verbose_name': 'gelezen privacyverklaring',
                'verbose_name_plural': 'gelezen privacyverklaringen',
                'constraints': [models.UniqueConstraint(fields=('user', 'version'), name='statement_read_once')],
            },
        ),
        migrations.CreateModel(
            name='StatementAnnouncement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sent_at', models.DateTimeField(verbose_name='verstuurd op')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='announcements', to='consent.statementversion')),
            ],
            options={
                'verbose_name': 'aankondiging van de privacyverklaring',
                'verbose_name_plural': 'aankondigingen van de privacyverklaring',
                'constraints': [models.UniqueConstraint(fields=('version', 'user'), name='statement_announced_once')],
            },
        ),
        migrations.RunPython(freeze_published_versions, thaw_published_versions),
    ]

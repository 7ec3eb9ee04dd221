"""The seeded statement ended a sentence on the company name: "… contact op met Codex
Connectors B.V.." (the abbreviation's full stop and the sentence's). One full stop is right
in Dutch and English. A correction of typography only, so it is applied to every version,
the published ones included (their meaning, dates and data snapshot do not change; the
cookie sections are untouched, so nobody is asked about cookies again)."""

from django.db import migrations

TEXT_FIELDS = [
    f"{stem}_{language}"
    for stem in (
        "summary",
        "intro",
        "service",
        "sharing",
        "advertising",
        "cookies",
        "analytics",
        "security",
        "changes",
        "complaint",
    )
    for language in ("nl", "en")
]


def one_full_stop(apps, schema_editor):
    StatementVersion = apps.get_model("consent", "StatementVersion")
    for version in StatementVersion.objects.all():
        changed = [name for name in TEXT_FIELDS if "B.V.." in getattr(version, name)]
        for name in changed:
            setattr(version, name, getattr(version, name).replace("B.V..", "B.V."))
        if changed:
            version.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("consent", "0004_seed_statement_and_processors")]

    operations = [migrations.RunPython(one_full_stop, migrations.RunPython.noop)]

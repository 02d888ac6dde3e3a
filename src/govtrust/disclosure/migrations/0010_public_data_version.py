"""The public-data version (disclosure/freshness.py), and triggers that move it on every update or
deletion of a publication row, whoever writes it: the services call `public_changed()`, and a
write outside them (a data migration, a shell, a test moving a date) cannot leave a cached public
page standing either. Inserts go through `publication_publish` only."""

from django.db import migrations, models

UPSERT = (
    "INSERT INTO disclosure_publicdataversion (id, version) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET version = disclosure_publicdataversion.version + 1"
)
SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS disclosure_public_au AFTER UPDATE ON disclosure_publication
        BEGIN {UPSERT}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS disclosure_public_ad AFTER DELETE ON disclosure_publication
        BEGIN {UPSERT}; END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS disclosure_public_au",
    "DROP TRIGGER IF EXISTS disclosure_public_ad",
]
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION disclosure_public_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN {UPSERT}; RETURN NULL; END $$""",
    """CREATE TRIGGER disclosure_public_changed AFTER UPDATE OR DELETE ON disclosure_publication
        FOR EACH STATEMENT EXECUTE FUNCTION disclosure_public_changed()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS disclosure_public_changed ON disclosure_publication",
    "DROP FUNCTION IF EXISTS disclosure_public_changed()",
]


def triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    for statement in SQLITE if schema_editor.connection.vendor == "sqlite" else POSTGRES:
        schema_editor.execute(statement)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    sqlite = schema_editor.connection.vendor == "sqlite"
    for statement in SQLITE_DROP if sqlite else POSTGRES_DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0009_publication_rule_versions"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicDataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(triggers, drop),
    ]

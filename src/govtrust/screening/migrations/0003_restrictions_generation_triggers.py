"""Triggers that move the `restrictions` generation (core/generation.py) on every write to what
screening's Index reads, whoever makes it: any insert, update or deletion of a measure, a change
of a record's number, subject name or subject key, and a record's deletion. The services also
call `bump(RESTRICTIONS)` in their transactions; the triggers make a write outside them (a data
migration, a shell, a raw UPDATE) move it too, so a cached Index can never outlive its data.
Record inserts are left out: a new record has no measures (they are inserted after it, and move
the generation then), and bulk intake inserts tens of thousands of records at a time."""

from django.db import migrations

TABLE = "core_generation"
SQLITE_UPSERT = (
    f"INSERT INTO {TABLE} (name, value, token) VALUES ('restrictions', 1, lower(hex(randomblob(8)))) "
    f"ON CONFLICT (name) DO UPDATE SET value = {TABLE}.value + 1, token = lower(hex(randomblob(8)))"
)
PG_TOKEN = "substr(md5(random()::text || clock_timestamp()::text), 1, 16)"
PG_UPSERT = (
    f"INSERT INTO {TABLE} (name, value, token) VALUES ('restrictions', 1, {PG_TOKEN}) "
    f"ON CONFLICT (name) DO UPDATE SET value = {TABLE}.value + 1, token = {PG_TOKEN}"
)
RECORD_CHANGED = (
    "OLD.number IS NOT NEW.number OR OLD.subject_name IS NOT NEW.subject_name "
    "OR OLD.subject_key IS NOT NEW.subject_key"
)
SQLITE = [
    *(
        f"""CREATE TRIGGER IF NOT EXISTS screening_restrictions_measure_{short}
            AFTER {event} ON measures_measure BEGIN {SQLITE_UPSERT}; END"""
        for short, event in (("ai", "INSERT"), ("au", "UPDATE"), ("ad", "DELETE"))
    ),
    f"""CREATE TRIGGER IF NOT EXISTS screening_restrictions_record_au
        AFTER UPDATE OF number, subject_name, subject_key ON records_record
        WHEN {RECORD_CHANGED} BEGIN {SQLITE_UPSERT}; END""",
    f"""CREATE TRIGGER IF NOT EXISTS screening_restrictions_record_ad
        AFTER DELETE ON records_record BEGIN {SQLITE_UPSERT}; END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS screening_restrictions_{name}"
    for name in ("measure_ai", "measure_au", "measure_ad", "record_au", "record_ad")
]
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION screening_restrictions_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN {PG_UPSERT}; RETURN NULL; END $$""",
    """CREATE TRIGGER screening_restrictions_measure
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON measures_measure
        FOR EACH STATEMENT EXECUTE FUNCTION screening_restrictions_changed()""",
    f"""CREATE TRIGGER screening_restrictions_record_au
        AFTER UPDATE OF number, subject_name, subject_key ON records_record FOR EACH ROW
        WHEN ({RECORD_CHANGED.replace("IS NOT", "IS DISTINCT FROM")})
        EXECUTE FUNCTION screening_restrictions_changed()""",
    """CREATE TRIGGER screening_restrictions_record_ad
        AFTER DELETE OR TRUNCATE ON records_record
        FOR EACH STATEMENT EXECUTE FUNCTION screening_restrictions_changed()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS screening_restrictions_measure ON measures_measure",
    "DROP TRIGGER IF EXISTS screening_restrictions_record_au ON records_record",
    "DROP TRIGGER IF EXISTS screening_restrictions_record_ad ON records_record",
    "DROP FUNCTION IF EXISTS screening_restrictions_changed()",
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
        ("core", "0007_generation"),
        ("measures", "0003_measure_due_provisional"),
        ("records", "0006_import_court_list"),
        ("screening", "0002_rename_tables"),
    ]

    operations = [migrations.RunPython(triggers, drop)]

"""Search indexes (SQLite FTS5 / PostgreSQL pg_trgm) and the default redaction rules."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS disclosure_fts_tri USING fts5(
        search_text, content='disclosure_publication', content_rowid='id', tokenize='trigram')""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS disclosure_fts_bi USING fts5(
        bigrams, content='disclosure_publication', content_rowid='id', tokenize='unicode61')""",
    """CREATE TRIGGER IF NOT EXISTS disclosure_fts_ai AFTER INSERT ON disclosure_publication BEGIN
        INSERT INTO disclosure_fts_tri(rowid, search_text) VALUES (new.id, new.search_text);
        INSERT INTO disclosure_fts_bi(rowid, bigrams) VALUES (new.id, new.bigrams);
    END""",
    """CREATE TRIGGER IF NOT EXISTS disclosure_fts_ad AFTER DELETE ON disclosure_publication BEGIN
        INSERT INTO disclosure_fts_tri(disclosure_fts_tri, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO disclosure_fts_bi(disclosure_fts_bi, rowid, bigrams)
            VALUES ('delete', old.id, old.bigrams);
    END""",
    """CREATE TRIGGER IF NOT EXISTS disclosure_fts_au AFTER UPDATE OF search_text, bigrams
        ON disclosure_publication BEGIN
        INSERT INTO disclosure_fts_tri(disclosure_fts_tri, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO disclosure_fts_bi(disclosure_fts_bi, rowid, bigrams)
            VALUES ('delete', old.id, old.bigrams);
        INSERT INTO disclosure_fts_tri(rowid, search_text) VALUES (new.id, new.search_text);
        INSERT INTO disclosure_fts_bi(rowid, bigrams) VALUES (new.id, new.bigrams);
    END""",
]
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS disclosure_publication_trgm
        ON disclosure_publication USING gin (search_text gin_trgm_ops)""",
    """CREATE INDEX IF NOT EXISTS disclosure_publication_bigrams
        ON disclosure_publication USING gin (to_tsvector('simple', bigrams))""",
]


def indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    for statement in SQLITE if schema_editor.connection.vendor == "sqlite" else POSTGRES:
        schema_editor.execute(statement)


def rules(apps, schema_editor):  # type: ignore[no-untyped-def]
    from govtrust.disclosure.redaction import DEFAULT_RULES

    model = apps.get_model("disclosure", "RedactionRule")
    for name, pattern, head, tail, note in DEFAULT_RULES:
        model.objects.get_or_create(
            name=name,
            defaults={"pattern": pattern, "keep_head": head, "keep_tail": tail, "note": note},
        )


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]
    operations = [
        migrations.RunPython(indexes, migrations.RunPython.noop),
        migrations.RunPython(rules, migrations.RunPython.noop),
    ]

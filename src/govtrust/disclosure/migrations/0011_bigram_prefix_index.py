"""A prefix index of one character on the bigram FTS table (SQLite).

A single character is searched as a prefix query (`"王"*`, see search.bigrams). Without a prefix
index FTS5 merges the doclists of every token starting with it: for a common surname at 1,000,000
records, hundreds of tokens and 88,000 matches, 126 ms for the page and the count
(bench/bench_search.py, "1 char, common"). With `prefix='1'` (lengths in characters) each first
character has its own doclist: a page or a count capped at 1,001 reads only what it returns.
The table is recreated under its name (the triggers of 0002 write to it by name) and rebuilt from
its content table: expect minutes at 1,000,000 publications. PostgreSQL's GIN index on the bigram
tsvector answers prefixes already.
"""

from django.db import migrations

SQLITE = [
    "DROP TABLE IF EXISTS disclosure_fts_bi",
    """CREATE VIRTUAL TABLE disclosure_fts_bi USING fts5(
        bigrams, content='disclosure_publication', content_rowid='id', tokenize='unicode61',
        prefix='1')""",
    "INSERT INTO disclosure_fts_bi(disclosure_fts_bi) VALUES('rebuild')",
]
SQLITE_BACK = [
    "DROP TABLE IF EXISTS disclosure_fts_bi",
    """CREATE VIRTUAL TABLE disclosure_fts_bi USING fts5(
        bigrams, content='disclosure_publication', content_rowid='id', tokenize='unicode61')""",
    "INSERT INTO disclosure_fts_bi(disclosure_fts_bi) VALUES('rebuild')",
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACK:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0010_public_data_version"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

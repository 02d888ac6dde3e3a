"""Filter values as tokens of the bigram FTS table (SQLite), and pinyin of names in the indexes.

1. Every publication's search text and bigrams are recomputed with `search_fields`, which now
   ends them with the pinyin and initials of a person's name (`wangwei ww` for 王伟): both
   databases then find names by pinyin through the indexes they already have.
2. SQLite: the bigram table gets a second column, `tags`, holding the values a public search can
   be filtered by as tokens (`#p6201 #c620102 #kcivilservant #spenalty #dprocurement #vserious
   #y2024`), so that FTS5 intersects a filtered search in the index instead of reading every
   candidate row (see `search.plan`). The tokens are computed in SQL from the publication's
   columns, by the table's content view and by the triggers, whoever writes the row (a service,
   a shell, a data migration). `#` is a token character of the table and never part of a
   search term (terms are runs of \\w), so no query term can match a filter token.
3. The triggers are recreated: the trigram table follows `search_text`, the bigram table follows
   `bigrams` and the filter columns.

Both FTS tables are rebuilt once, after the recompute (the triggers are dropped meanwhile): at
1,000,000 publications expect several minutes. PostgreSQL only gets step 1 (its GIN indexes
follow the update).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import migrations

TAG_COLUMNS = (
    ("p", "prefecture_code"),
    ("c", "county_code"),
    ("k", "subject_kind"),
    ("s", "source_type"),
    ("d", "domain"),
    ("v", "severity"),
)


def tags_sql(row: str) -> str:
    """The filter tokens of a publication row (`new`, `old`, or the table itself) in SQL; the
    same tokens as `search.filter_tags` makes of a search's filters."""
    prefix = f"{row}." if row else ""
    parts = [f"'#{letter}' || replace({prefix}{column}, '_', '')" for letter, column in TAG_COLUMNS]
    parts.append(f"'#y' || substr({prefix}decision_date, 1, 4)")
    return " || ' ' || ".join(parts)


FILTER_COLUMNS = ", ".join(column for _l, column in TAG_COLUMNS) + ", decision_date"

TRIGGERS = [
    f"""CREATE TRIGGER disclosure_fts_ai AFTER INSERT ON disclosure_publication BEGIN
        INSERT INTO disclosure_fts_tri(rowid, search_text) VALUES (new.id, new.search_text);
        INSERT INTO disclosure_fts_bi(rowid, bigrams, tags)
            VALUES (new.id, new.bigrams, {tags_sql("new")});
    END""",
    f"""CREATE TRIGGER disclosure_fts_ad AFTER DELETE ON disclosure_publication BEGIN
        INSERT INTO disclosure_fts_tri(disclosure_fts_tri, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO disclosure_fts_bi(disclosure_fts_bi, rowid, bigrams, tags)
            VALUES ('delete', old.id, old.bigrams, {tags_sql("old")});
    END""",
    """CREATE TRIGGER disclosure_fts_au AFTER UPDATE OF search_text
        ON disclosure_publication BEGIN
        INSERT INTO disclosure_fts_tri(disclosure_fts_tri, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO disclosure_fts_tri(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER disclosure_fts_bi_au AFTER UPDATE OF bigrams, {FILTER_COLUMNS}
        ON disclosure_publication BEGIN
        INSERT INTO disclosure_fts_bi(disclosure_fts_bi, rowid, bigrams, tags)
            VALUES ('delete', old.id, old.bigrams, {tags_sql("old")});
        INSERT INTO disclosure_fts_bi(rowid, bigrams, tags)
            VALUES (new.id, new.bigrams, {tags_sql("new")});
    END""",
]
DROP_TRIGGERS = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in ("disclosure_fts_ai", "disclosure_fts_ad", "disclosure_fts_au", "disclosure_fts_bi_au")
]
SQLITE = [
    "DROP TABLE IF EXISTS disclosure_fts_bi",
    "DROP VIEW IF EXISTS disclosure_publication_terms",
    f"""CREATE VIEW disclosure_publication_terms AS
        SELECT id, bigrams, {tags_sql("")} AS tags FROM disclosure_publication""",
    """CREATE VIRTUAL TABLE disclosure_fts_bi USING fts5(
        bigrams, tags, content='disclosure_publication_terms', content_rowid='id',
        tokenize="unicode61 tokenchars '#'", prefix='1')""",
    "INSERT INTO disclosure_fts_bi(disclosure_fts_bi) VALUES('rebuild')",
    "INSERT INTO disclosure_fts_tri(disclosure_fts_tri) VALUES('rebuild')",
    *TRIGGERS,
]

# Back to 0011: the bigram table of one column, the triggers of 0002.
SQLITE_BACK = [
    "DROP TABLE IF EXISTS disclosure_fts_bi",
    "DROP VIEW IF EXISTS disclosure_publication_terms",
    """CREATE VIRTUAL TABLE disclosure_fts_bi USING fts5(
        bigrams, content='disclosure_publication', content_rowid='id', tokenize='unicode61',
        prefix='1')""",
    "INSERT INTO disclosure_fts_bi(disclosure_fts_bi) VALUES('rebuild')",
    """CREATE TRIGGER disclosure_fts_ai AFTER INSERT ON disclosure_publication BEGIN
        INSERT INTO disclosure_fts_tri(rowid, search_text) VALUES (new.id, new.search_text);
        INSERT INTO disclosure_fts_bi(rowid, bigrams) VALUES (new.id, new.bigrams);
    END""",
    """CREATE TRIGGER disclosure_fts_ad AFTER DELETE ON disclosure_publication BEGIN
        INSERT INTO disclosure_fts_tri(disclosure_fts_tri, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO disclosure_fts_bi(disclosure_fts_bi, rowid, bigrams)
            VALUES ('delete', old.id, old.bigrams);
    END""",
    """CREATE TRIGGER disclosure_fts_au AFTER UPDATE OF search_text, bigrams
        ON disclosure_publication BEGIN
        INSERT INTO disclosure_fts_tri(disclosure_fts_tri, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO disclosure_fts_bi(disclosure_fts_bi, rowid, bigrams)
            VALUES ('delete', old.id, old.bigrams);
        INSERT INTO disclosure_fts_tri(rowid, search_text) VALUES (new.id, new.search_text);
        INSERT INTO disclosure_fts_bi(rowid, bigrams) VALUES (new.id, new.bigrams);
    END""",
]

CHUNK = 5000


def _recompute_sqlite(cursor: Any) -> None:
    """search_text and bigrams of every publication from its view, in chunks of ids (the
    triggers are dropped: the FTS tables are rebuilt once afterwards)."""
    from govtrust.disclosure.services import search_fields

    last = 0
    while True:
        cursor.execute(
            "SELECT id, view, search_text, bigrams FROM disclosure_publication "
            "WHERE id > %s ORDER BY id LIMIT %s",
            [last, CHUNK],
        )
        rows = cursor.fetchall()
        if not rows:
            return
        changed = []
        for pk, view, text, pairs in rows:
            fields = search_fields(json.loads(view) if isinstance(view, str) else view)
            if fields != (text, pairs):
                changed.append([*fields, pk])
        if changed:
            cursor.executemany(
                "UPDATE disclosure_publication SET search_text = %s, bigrams = %s WHERE id = %s",
                changed,
            )
        last = rows[-1][0]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        from govtrust.disclosure.services import search_fields

        publication = apps.get_model("disclosure", "Publication")
        changed = []
        for row in publication.objects.only("id", "view", "search_text", "bigrams").iterator(
            chunk_size=2000
        ):
            fields = search_fields(row.view)
            if fields != (row.search_text, row.bigrams):
                row.search_text, row.bigrams = fields
                changed.append(row)
            if len(changed) >= 1000:
                publication.objects.bulk_update(changed, ["search_text", "bigrams"])
                changed = []
        publication.objects.bulk_update(changed, ["search_text", "bigrams"])
        return
    with connection.cursor() as cursor:
        for statement in DROP_TRIGGERS:
            cursor.execute(statement)
        _recompute_sqlite(cursor)
        for statement in SQLITE:
            cursor.execute(statement)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The pinyin stays in the search columns (harmless to 0011's queries); SQLite's tables and
    # triggers go back to 0011's.
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            for statement in [*DROP_TRIGGERS, *SQLITE_BACK]:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0011_bigram_prefix_index")]

    operations = [migrations.RunPython(forwards, backwards)]

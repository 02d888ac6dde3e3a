"""Bigrams also hold the last character of every run, so that a single character is searched
through the index (a prefix query) instead of a scan: recompute them for published records.
The FTS5 triggers (SQLite) and the GIN expression index (PostgreSQL) follow the update."""

from django.db import migrations


def recompute(apps, schema_editor):  # type: ignore[no-untyped-def]
    from govtrust.disclosure.services import search_fields

    publication = apps.get_model("disclosure", "Publication")
    changed = []
    for row in publication.objects.only("id", "view", "bigrams").iterator(chunk_size=2000):
        _text, pairs = search_fields(row.view)
        if pairs != row.bigrams:
            row.bigrams = pairs
            changed.append(row)
        if len(changed) >= 1000:
            publication.objects.bulk_update(changed, ["bigrams"], batch_size=500)
            changed = []
    publication.objects.bulk_update(changed, ["bigrams"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0007_prefecture_code_six_digits")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True)]

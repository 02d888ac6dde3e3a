"""Publication periods without a minimum or a fixed end (a minor record published on request,
the court's list, ground 1), and rule labels "<id>@<version>".

On SQLite, altering a column rebuilds the table, and dropping the old table drops its triggers:
the full-text triggers of 0002 are created again afterwards (the rows keep their ids, so the FTS
tables still match them). PostgreSQL alters in place and keeps its indexes.
"""

import importlib

from django.db import migrations, models


def search_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    search = importlib.import_module("govtrust.disclosure.migrations.0002_search_and_rules")
    for statement in search.SQLITE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0004_redaction_changes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="publication",
            name="maximum_end",
            field=models.DateField(blank=True, db_index=True, null=True, verbose_name="公示截止"),
        ),
        migrations.AlterField(
            model_name="publication",
            name="minimum_end",
            field=models.DateField(blank=True, null=True, verbose_name="最短公示期满"),
        ),
        migrations.AlterField(
            model_name="publication",
            name="rule_id",
            field=models.CharField(max_length=60),
        ),
        migrations.RunPython(search_triggers, migrations.RunPython.noop),
    ]

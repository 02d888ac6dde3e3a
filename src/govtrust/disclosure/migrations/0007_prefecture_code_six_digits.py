"""兰州新区 (620171) is a prefecture-level unit of its own on the portal, not part of 兰州市: the
prefecture code takes six digits, and publications of 兰州新区 are grouped under it.

On SQLite the column change rebuilds the table and drops the full-text triggers, which are
created again (as 0005 does)."""

import importlib

from django.db import migrations, models


def regroup(apps, schema_editor):  # type: ignore[no-untyped-def]
    Publication = apps.get_model("disclosure", "Publication")
    Publication.objects.filter(division_code__startswith="620171").update(
        prefecture_code="620171", county_code=""
    )


def search_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    importlib.import_module(
        "govtrust.disclosure.migrations.0005_publication_open_ended_periods"
    ).search_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0006_period_reevaluation")]

    operations = [
        migrations.AlterField(
            model_name="publication",
            name="prefecture_code",
            field=models.CharField(db_index=True, max_length=6),
        ),
        migrations.RunPython(search_triggers, migrations.RunPython.noop),
        migrations.RunPython(regroup, migrations.RunPython.noop),
    ]

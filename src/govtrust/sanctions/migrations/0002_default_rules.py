"""Load the default measure catalogue (now measures/rules/defaults.py) as version 1 of each rule."""

import datetime

from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from govtrust.measures.rules.defaults import DEFAULT_RULES

    rule_model = apps.get_model("sanctions", "MeasureRule")
    for data in DEFAULT_RULES:
        if not rule_model.objects.filter(code=data["code"]).exists():
            rule_model.objects.create(version=1, valid_from=datetime.date(2017, 6, 28), **data)


class Migration(migrations.Migration):
    dependencies = [("sanctions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

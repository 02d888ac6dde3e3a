"""sanctions_measurerule, sanctions_measure, sanctions_escalation -> this app's own table names
(a rename: the rows stay where they are, and references to them keep pointing at them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0001_from_sanctions"),
        ("sanctions", "0008_models_moved"),
    ]

    operations = [
        migrations.AlterModelTable(name="measurerule", table=None),
        migrations.AlterModelTable(name="measure", table=None),
        migrations.AlterModelTable(name="escalation", table=None),
    ]

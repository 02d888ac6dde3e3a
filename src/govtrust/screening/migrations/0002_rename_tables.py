"""sanctions_screening, sanctions_judgement -> this app's own table names (a rename: the rows stay
where they are, and references to them keep pointing at them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0001_from_sanctions"),
        ("sanctions", "0008_models_moved"),
    ]

    operations = [
        migrations.AlterModelTable(name="screening", table=None),
        migrations.AlterModelTable(name="judgement", table=None),
    ]

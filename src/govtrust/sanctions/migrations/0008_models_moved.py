"""The models moved to the measures, screening and documents apps (their 0001 adopted the tables).

State only: the tables stay, with their rows; the new apps rename them afterwards.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sanctions", "0007_judgement_division"),
        ("measures", "0001_from_sanctions"),
        ("screening", "0001_from_sanctions"),
        ("documents", "0001_from_sanctions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # Referencing models first: a document points at a measure and a screening.
                migrations.DeleteModel(name="Document"),
                migrations.DeleteModel(name="Escalation"),
                migrations.DeleteModel(name="Judgement"),
                migrations.DeleteModel(name="Screening"),
                migrations.DeleteModel(name="Measure"),
                migrations.DeleteModel(name="MeasureRule"),
            ]
        )
    ]

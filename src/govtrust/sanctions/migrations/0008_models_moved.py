"""The models moved to the measures, screening and documents apps.

How the move works, without copying a row: each new app's 0001 declares its models in state
only, with db_table set to the sanctions_* table sanctions 0001-0007 created (on an existing
installation, with its rows); this migration then drops them from sanctions' state, again in
state only; and each new app's 0002 renames the tables to its own names (ALTER TABLE ... RENAME:
rows, ids, sequences and the foreign keys pointing at them stay). A fresh database goes the same
way. The sanctions app stays installed, without code, because installations that applied its
migrations need them in the graph.
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

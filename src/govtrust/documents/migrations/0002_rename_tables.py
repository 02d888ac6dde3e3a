"""sanctions_document -> documents_document (a rename: the rows stay where they are), and its
listing index renamed after the table as Django names it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_from_sanctions"),
        ("sanctions", "0008_models_moved"),
    ]

    operations = [
        migrations.AlterModelTable(name="document", table=None),
        migrations.RenameIndex(
            model_name="document",
            new_name="documents_d_kind_62bf60_idx",
            old_name="sanctions_d_kind_aaf145_idx",
        ),
    ]

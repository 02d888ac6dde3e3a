"""Mask mobile numbers written with +86, spaces or hyphens, and 15-digit citizen ID numbers."""

from django.db import migrations


def update(apps, schema_editor):  # type: ignore[no-untyped-def]
    from govtrust.disclosure.redaction import DEFAULT_RULES

    model = apps.get_model("disclosure", "RedactionRule")
    for name, pattern, head, tail, note in DEFAULT_RULES:
        if name in ("mobile", "citizen_id_15"):
            model.objects.update_or_create(
                name=name,
                defaults={"pattern": pattern, "keep_head": head, "keep_tail": tail, "note": note},
            )


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0002_search_and_rules")]
    operations = [migrations.RunPython(update, migrations.RunPython.noop)]

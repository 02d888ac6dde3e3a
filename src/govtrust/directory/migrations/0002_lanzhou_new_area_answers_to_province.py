"""兰州新区 (620171) answers to the province: its division hangs under 62 as a prefecture-level
unit, whatever its statistical code's prefix says (see directory/policy.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Division = apps.get_model("directory", "Division")
    if Division.objects.filter(code="62").exists():
        Division.objects.filter(code="620171").update(parent_id="62", level="prefecture")


def backwards(apps, schema_editor):
    Division = apps.get_model("directory", "Division")
    if Division.objects.filter(code="6201").exists():
        Division.objects.filter(code="620171").update(parent_id="6201", level="county")


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

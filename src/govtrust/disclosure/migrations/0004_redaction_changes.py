"""Redaction rules change by four-eyes proposals; citizen ID masking is built in, not a row.

The citizen ID rows go (the code applies those rules before any row); every catalogue kind gets a
row with its Chinese name, the new kinds (bank cards, addresses) switched off so that no public
view changes; other rows get their note as their name."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def rows(apps, schema_editor):  # type: ignore[no-untyped-def]
    from govtrust.disclosure.redaction import BUILT_IN_NAMES, KINDS

    model = apps.get_model("disclosure", "RedactionRule")
    model.objects.filter(name__in=BUILT_IN_NAMES).delete()
    for kind in KINDS:
        rule, created = model.objects.get_or_create(
            name=kind.name,
            defaults={
                "label": kind.label,
                "pattern": kind.pattern,
                "keep_head": kind.keep_head,
                "keep_tail": kind.keep_tail,
                "active": kind.active,
            },
        )
        if not created:
            rule.label = kind.label
            rule.save(update_fields=["label"])
    for rule in model.objects.filter(label=""):
        rule.label = (rule.note or rule.name)[:40]
        rule.save(update_fields=["label"])


def restore(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Going back to code that reads the ID rules from rows: put the rows back, or IDs show."""
    from govtrust.disclosure.redaction import BUILT_IN

    model = apps.get_model("disclosure", "RedactionRule")
    for rule in BUILT_IN:
        model.objects.update_or_create(
            name=rule.name,
            defaults={
                "pattern": rule.pattern,
                "keep_head": rule.keep_head,
                "keep_tail": rule.keep_tail,
                "active": True,
                "note": rule.label,
            },
        )


class Migration(migrations.Migration):

    dependencies = [
        ('disclosure', '0003_more_redaction'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='redactionrule',
            name='label',
            field=models.CharField(blank=True, max_length=40, verbose_name='名称'),
        ),
        migrations.CreateModel(
            name='RedactionChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rules', models.JSONField()),
                ('base', models.JSONField()),
                ('note', models.CharField(max_length=200, verbose_name='变更说明')),
                ('state', models.CharField(choices=[('pending', '待审核'), ('approved', '已生效'), ('rejected', '已驳回')], db_index=True, default='pending', max_length=10)),
                ('version', models.PositiveIntegerField(default=1)),
                ('proposed_at', models.DateTimeField()),
                ('decided_at', models.DateTimeField(null=True)),
                ('reason', models.CharField(blank=True, max_length=200, verbose_name='驳回理由')),
                ('corrected', models.PositiveIntegerField(default=0)),
                ('decided_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'pending')), fields=('state',), name='disclosure_one_pending_redaction_change')],
            },
        ),
        migrations.RunPython(rows, restore),
    ]

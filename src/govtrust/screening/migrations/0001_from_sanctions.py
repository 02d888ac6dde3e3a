"""Adopt sanctions_screening and sanctions_judgement as they are, rows and all (state only; how
the move works: sanctions/migrations/0008_models_moved.py)."""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STATE = [
    migrations.CreateModel(
        name="Screening",
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            ("number", models.CharField(max_length=24, unique=True, verbose_name="审查编号")),
            ("title", models.CharField(max_length=120, verbose_name="评选活动")),
            ("source_name", models.CharField(blank=True, max_length=120, verbose_name="名单文件")),
            (
                "source_sha256",
                models.CharField(blank=True, max_length=64, verbose_name="名单文件摘要"),
            ),
            ("division_code", models.CharField(db_index=True, max_length=12)),
            ("created_at", models.DateTimeField(auto_now_add=True)),
            ("screened_on", models.DateField(verbose_name="审查日期")),
            ("checkpoint_size", models.PositiveBigIntegerField(null=True)),
            ("checkpoint_root", models.CharField(blank=True, max_length=64)),
            ("checkpoint_signed_at", models.DateTimeField(null=True)),
            ("results", models.JSONField(encoder=django.core.serializers.json.DjangoJSONEncoder)),
            ("version", models.PositiveIntegerField(default=1)),
            (
                "created_by",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="+",
                    to=settings.AUTH_USER_MODEL,
                ),
            ),
        ],
        options={
            "db_table": "sanctions_screening",
            "ordering": ["-created_at"],
        },
    ),
    migrations.CreateModel(
        name="Judgement",
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            ("candidate_key", models.CharField(db_index=True, max_length=128)),
            ("division_code", models.CharField(db_index=True, default="", max_length=12)),
            ("confirmed", models.BooleanField()),
            ("note", models.CharField(blank=True, max_length=200)),
            ("decided_at", models.DateTimeField(auto_now=True)),
            (
                "decided_by",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="+",
                    to=settings.AUTH_USER_MODEL,
                ),
            ),
            (
                "record",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="+",
                    to="records.record",
                ),
            ),
        ],
        options={
            "db_table": "sanctions_judgement",
            "constraints": [
                models.UniqueConstraint(
                    fields=("candidate_key", "record", "division_code"), name="judgement_once"
                )
            ],
        },
    ),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("sanctions", "0007_judgement_division"),
        ("records", "0004_record_safety_area"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=STATE)]

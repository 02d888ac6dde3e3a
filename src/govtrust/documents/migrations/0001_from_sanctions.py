"""Adopt sanctions_document as it is, rows and all (state only; how the move works:
sanctions/migrations/0008_models_moved.py)."""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STATE = [
    migrations.CreateModel(
        name="Document",
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            ("code", models.CharField(max_length=24, unique=True, verbose_name="验证码")),
            (
                "kind",
                models.CharField(
                    choices=[
                        ("screening", "评优评先信用审查证明"),
                        ("report", "政务信用报告"),
                        ("public_report", "政务信用报告（公开版）"),
                        ("criticism", "通报批评"),
                    ],
                    max_length=16,
                    verbose_name="文件类型",
                ),
            ),
            (
                "status",
                models.CharField(
                    choices=[("draft", "待发布"), ("issued", "有效"), ("revoked", "已撤销")],
                    default="issued",
                    max_length=8,
                ),
            ),
            ("title", models.CharField(max_length=160, verbose_name="标题")),
            ("content", models.JSONField(encoder=django.core.serializers.json.DjangoJSONEncoder)),
            ("division_code", models.CharField(db_index=True, max_length=12)),
            ("sha256", models.CharField(blank=True, max_length=64)),
            ("size", models.PositiveIntegerField(default=0)),
            ("issued_at", models.DateTimeField(blank=True, null=True)),
            ("created_at", models.DateTimeField(auto_now_add=True)),
            (
                "issued_by",
                models.ForeignKey(
                    blank=True,
                    null=True,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="+",
                    to=settings.AUTH_USER_MODEL,
                ),
            ),
        ],
        options={
            "db_table": "sanctions_document",
            "ordering": ["-created_at"],
        },
    ),
    migrations.AddField(
        model_name="document",
        name="measure",
        field=models.OneToOneField(
            blank=True,
            null=True,
            on_delete=django.db.models.deletion.PROTECT,
            related_name="notice",
            to="measures.measure",
        ),
    ),
    migrations.AddField(
        model_name="document",
        name="record",
        field=models.ForeignKey(
            blank=True,
            null=True,
            on_delete=django.db.models.deletion.PROTECT,
            related_name="+",
            to="records.record",
        ),
    ),
    migrations.AddField(
        model_name="document",
        name="screening",
        field=models.ForeignKey(
            blank=True,
            null=True,
            on_delete=django.db.models.deletion.PROTECT,
            related_name="documents",
            to="screening.screening",
        ),
    ),
    migrations.AddIndex(
        model_name="document",
        index=models.Index(
            fields=["kind", "status", "-issued_at"], name="sanctions_d_kind_aaf145_idx"
        ),
    ),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("sanctions", "0007_judgement_division"),
        ("records", "0004_record_safety_area"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("measures", "0001_from_sanctions"),
        ("screening", "0001_from_sanctions"),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=STATE)]

"""Adopt sanctions_measurerule, sanctions_measure and sanctions_escalation as they are, rows and
all (state only; how the move works: sanctions/migrations/0008_models_moved.py)."""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STATE = [
    migrations.CreateModel(
        name="Measure",
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            ("rule_code", models.CharField(max_length=20)),
            ("rule_version", models.PositiveIntegerField()),
            (
                "kind",
                models.CharField(
                    choices=[
                        ("explanation", "书面说明失信原因"),
                        ("rectification", "限期整改"),
                        ("honours", "取消荣誉评选资格"),
                        ("criticism", "公开通报批评"),
                        ("accountability", "追究主要负责人责任"),
                        ("awards", "限制评优评先"),
                    ],
                    max_length=16,
                    verbose_name="措施",
                ),
            ),
            ("legal_source", models.CharField(max_length=300, verbose_name="依据")),
            ("starts_on", models.DateField(verbose_name="起始日期")),
            ("ends_on", models.DateField(blank=True, null=True, verbose_name="截止日期")),
            ("due_date", models.DateField(blank=True, null=True, verbose_name="完成期限")),
            (
                "status",
                models.CharField(
                    choices=[
                        ("active", "执行中"),
                        ("submitted", "整改材料待核验"),
                        ("done", "已完成"),
                        ("lightened", "已从轻"),
                        ("lifted", "已免除"),
                    ],
                    db_index=True,
                    default="active",
                    max_length=10,
                ),
            ),
            ("mitigation_note", models.CharField(blank=True, max_length=200)),
            ("division_code", models.CharField(db_index=True, max_length=12)),
            ("issued_at", models.DateTimeField(auto_now_add=True)),
            ("report", models.TextField(blank=True, verbose_name="说明或整改报告")),
            ("submitted_at", models.DateTimeField(blank=True, null=True)),
            ("submitted_late", models.BooleanField(null=True)),
            ("reviewed_at", models.DateTimeField(blank=True, null=True)),
            ("return_reason", models.TextField(blank=True, verbose_name="退回原因")),
            ("version", models.PositiveIntegerField(default=1)),
            (
                "record",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="measures",
                    to="records.record",
                ),
            ),
        ],
        options={
            "db_table": "sanctions_measure",
            "ordering": ["record_id", "id"],
        },
    ),
    migrations.CreateModel(
        name="Escalation",
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            ("level", models.PositiveSmallIntegerField()),
            ("division_code", models.CharField(db_index=True, max_length=12)),
            ("created_at", models.DateTimeField(auto_now_add=True)),
            (
                "measure",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="escalations",
                    to="measures.measure",
                ),
            ),
        ],
        options={
            "db_table": "sanctions_escalation",
            "ordering": ["-created_at"],
        },
    ),
    migrations.CreateModel(
        name="MeasureRule",
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            ("code", models.CharField(max_length=20, verbose_name="规则编号")),
            ("version", models.PositiveIntegerField(verbose_name="版本")),
            ("title", models.CharField(max_length=80, verbose_name="名称")),
            ("subject_kinds", models.JSONField(default=list, verbose_name="主体类型")),
            ("sources", models.JSONField(default=list, verbose_name="失信来源")),
            ("severities", models.JSONField(default=list, verbose_name="严重程度")),
            ("domains", models.JSONField(default=list, verbose_name="领域")),
            ("measures", models.JSONField(verbose_name="措施")),
            ("mitigation", models.JSONField(default=dict, verbose_name="主动纠错的效果")),
            ("legal_source", models.CharField(max_length=300, verbose_name="依据")),
            ("valid_from", models.DateField(verbose_name="生效日期")),
            ("valid_to", models.DateField(blank=True, null=True, verbose_name="失效日期")),
            ("note", models.CharField(blank=True, max_length=200, verbose_name="修订说明")),
            ("created_at", models.DateTimeField(auto_now_add=True)),
            (
                "created_by",
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
            "db_table": "sanctions_measurerule",
            "ordering": ["code", "-version"],
        },
    ),
    migrations.AddConstraint(
        model_name="measure",
        constraint=models.UniqueConstraint(
            fields=("record", "rule_code", "kind"), name="measure_once"
        ),
    ),
    migrations.AddConstraint(
        model_name="escalation",
        constraint=models.UniqueConstraint(fields=("measure", "level"), name="escalation_once"),
    ),
    migrations.AddConstraint(
        model_name="measurerule",
        constraint=models.UniqueConstraint(fields=("code", "version"), name="measure_rule_version"),
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

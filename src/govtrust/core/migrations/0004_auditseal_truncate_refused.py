"""Signed heads of the audit chain (append-only like the events), and no TRUNCATE of the audit
tables on PostgreSQL: TRUNCATE fires no row triggers, so 0003's UPDATE/DELETE triggers let it
empty the chain, which then verified as an intact chain of 0 events. SQLite has no TRUNCATE
(its `DELETE FROM` without WHERE fires the row triggers)."""

from django.db import migrations, models

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS core_auditseal_no_update BEFORE UPDATE ON core_auditseal
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditseal_no_delete BEFORE DELETE ON core_auditseal
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
]
# 0003 created the function core_auditevent_append_only(); it raises whatever fired it.
POSTGRES = [
    """DROP TRIGGER IF EXISTS core_auditseal_append_only ON core_auditseal;""",
    """CREATE TRIGGER core_auditseal_append_only BEFORE UPDATE OR DELETE ON core_auditseal
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
    *(
        statement
        for table in ("core_auditevent", "core_audithead", "core_auditseal")
        for statement in (
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
            f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();""",
        )
    ),
]
# What a transactional test drops before Django empties the tables (DELETE on SQLite, TRUNCATE on
# PostgreSQL); the next test re-creates the triggers.
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_auditseal_no_update",
    "DROP TRIGGER IF EXISTS core_auditseal_no_delete",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"
    for table in ("core_auditevent", "core_audithead", "core_auditseal")
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = SQLITE if schema_editor.connection.vendor == "sqlite" else POSTGRES
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        statements = SQLITE_DROP
    else:
        statements = [
            *POSTGRES_DROP,
            "DROP TRIGGER IF EXISTS core_auditseal_append_only ON core_auditseal",
        ]
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_append_only")]
    operations = [
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(db_index=True, verbose_name="序号")),
                ("digest", models.CharField(max_length=64)),
                ("signed_at", models.DateTimeField(verbose_name="签名时间")),
                ("reason", models.CharField(max_length=20, verbose_name="原因")),
                ("key_id", models.CharField(max_length=16)),
                ("signature", models.CharField(max_length=100)),
                (
                    "leaf_index",
                    models.PositiveBigIntegerField(unique=True, verbose_name="透明日志序号"),
                ),
            ],
            options={"verbose_name": "审计链头签名", "ordering": ["seq", "id"]},
        ),
        migrations.RunPython(forwards, backwards),
    ]

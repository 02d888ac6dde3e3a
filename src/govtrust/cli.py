"""The `govtrust` command that operators and scripts rely on.

govtrust setup                      migrate, collect static files, load the Gansu directory
govtrust demo                       setup plus demo data; prints the demo logins
govtrust serve [--host H] [--port P] [--no-worker]
                                    the production server (gunicorn) and, unless --no-worker,
                                    the background worker beside it; loads nothing
govtrust createuser USERNAME --role ROLE --unit DIVISION_CODE [--department NAME]
                    [--name 姓名] --password-stdin
govtrust token USERNAME             prints a new API token, and nothing else
govtrust import FILE --unit CODE [--department NAME] [--mode M] [--dry-run]
                                    bulk intake of an Excel or CSV file, run at once
govtrust worker                     runs background jobs (imports, reminders, exchange) alone,
                                    for hosts that serve with --no-worker or serve nothing;
                                    with GOVTRUST_TASKS=rq an RQ worker on Redis, so several
                                    hosts may run it (periodic jobs still run once)
govtrust backup FILE / restore FILE one archive of database, keys (encrypted with the passphrase
                                    in GOVTRUST_BACKUP_PASSPHRASE or on standard input) and
                                    files; restore onto an empty installation only
govtrust keys rotate data          a new data key at once; citizen IDs re-encrypted in batches while
                                    serving, then the old key retired (run again to resume)
govtrust keys rotate log           a new log signing key, handed over by a log entry the old key
                                    signs; old checkpoints still verify
govtrust keys rotate exchange      a new exchange signing key (the old one kept, retired); prints
                                    the public key for the platform
govtrust exchange send|feedback FILE|pubkey
                                    deliver batches now, apply feedback, print the public key
govtrust verify [CHECKPOINT.json] [--url URL] [--deep]
                                    checks a saved log checkpoint against the current one;
                                    --deep rebuilds every leaf, node and checkpoint from the
                                    database and names the first record that no longer matches;
                                    both verify commands also compare with the witness file
govtrust assessment run --year YYYY | snapshot --year YYYY [--out F] | verify FILE [--pubkey PEM]
                                    runs the annual integrity assessment; writes a run's signed
                                    snapshot; recomputes every score from a snapshot alone
govtrust audit verify|seal          recomputes the audit chain and checks it against the signed
                                    heads, reports the first event that differs; seal signs now
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from govtrust.assessment import cli as assessment_cli
from govtrust.cli_integrity import cmd_audit, cmd_verify


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govtrust.config.settings")
    import django

    django.setup()


def _setup(verbose: bool = True) -> None:
    from django.core.management import call_command

    from govtrust.directory.services import divisions_load

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    report = divisions_load()
    from govtrust.supervision.services.plan_tasks import plan_tasks_load

    plan_tasks_load()  # the plan's 13 tasks need the governments just loaded
    if verbose:
        print(
            f"数据库已就绪；行政区划新增 {report.divisions_created} 个，"
            f"政府新增 {report.governments_created} 个。"
        )


def cmd_setup(args: argparse.Namespace) -> int:
    _setup()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _setup()
    from govtrust.demo import demo_load

    logins = demo_load(progress=lambda msg: print(msg, flush=True))
    print("\n演示账号（每次运行 govtrust demo 都会重新生成密码和动态口令密钥）：")
    print("管理员和信用办登录时还须输入动态口令：把密钥添加到手机身份验证器，或输入一个恢复码。")
    for login in logins:
        print(f"  {login.role_label:<6} {login.username:<18} {login.password}  {login.unit}")
        if login.totp_secret:
            codes = " ".join(login.recovery_codes)
            print(f"         动态口令密钥 {login.totp_secret}  恢复码（各用一次）{codes}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """gunicorn in this process and, unless --no-worker, `govtrust worker` as a supervised child:
    SIGTERM or SIGINT stops gunicorn, and the worker is then stopped before this returns."""
    from gunicorn.app.wsgiapp import run

    from govtrust.core.supervise import Child

    sys.argv = [
        "gunicorn",
        "govtrust.config.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
    ]
    worker = None
    if not args.no_worker:
        command = [sys.executable, "-m", "govtrust.cli", "worker", "--interval", str(args.interval)]
        worker = Child(command, name="worker")
        worker.start()
    print(f"政务诚信平台：http://{args.host}:{args.port}/", flush=True)
    try:
        run()  # gunicorn's arbiter leaves by sys.exit when it is stopped
    finally:
        if worker is not None:
            worker.stop()
    return 0


def _unit(args: argparse.Namespace) -> tuple[Any, Any] | None:
    """The government (and department) named by --unit / --department, or None after saying why."""
    from govtrust.directory.models import Department, Government

    unit = Government.objects.filter(division_id=args.unit).first()
    if unit is None:
        print(f"行政区划代码不存在：{args.unit}", file=sys.stderr)
        return None
    department = None
    if args.department:
        department = Department.objects.filter(government=unit, name=args.department).first()
        if department is None:
            print(f"{unit.name}下没有部门：{args.department}", file=sys.stderr)
            return None
    return unit, department


def cmd_createuser(args: argparse.Namespace) -> int:
    from govtrust.core.errors import DomainError
    from govtrust.directory.services import user_create

    if not args.password_stdin:
        print("请使用 --password-stdin 从标准输入提供密码", file=sys.stderr)
        return 2
    password = sys.stdin.readline().rstrip("\n")
    resolved = _unit(args)
    if resolved is None:
        return 2
    unit, department = resolved
    try:
        user = user_create(
            username=args.username,
            role=args.role,
            unit=unit,
            department=department,
            password=password,
            real_name=args.name or "",
            actor_name="cli",
        )
    except DomainError as exc:
        messages = "；".join(m for _f, m in exc.errors) or exc.detail
        print(f"{exc.detail}：{messages}", file=sys.stderr)
        return 2
    print(f"已创建用户 {user.username}（{user.get_role_display()}，{user.unit_label}）")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    from govtrust.directory.models import User
    from govtrust.directory.services import token_create

    user = User.objects.filter(username=args.username, is_active=True).first()
    if user is None:
        print(f"用户不存在或已停用：{args.username}", file=sys.stderr)
        return 2
    print(token_create(user=user, actor_name="cli"))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from govtrust.core.errors import DomainError
    from govtrust.directory.services import service_account
    from govtrust.records.models import ImportStatus
    from govtrust.records.services.bulk import import_batch_create, import_batch_run

    path = Path(args.file)
    if not path.is_file():
        print(f"文件不存在：{path}", file=sys.stderr)
        return 2
    resolved = _unit(args)
    if resolved is None:
        return 2
    unit, department = resolved
    actor = service_account(unit=unit, department=department)
    try:
        with path.open("rb") as handle:
            batch = import_batch_create(
                actor=actor,
                source=handle,
                filename=path.name,
                mode=args.mode,
                dry_run=args.dry_run,
                queue=False,  # run here, with progress on the terminal
            )
    except DomainError as exc:
        print(exc.detail, file=sys.stderr)
        return 2

    def report(done: int, total: int) -> None:
        print(f"\r已处理 {done}/{total} 行", end="", file=sys.stderr, flush=True)

    batch = import_batch_run(batch_id=batch.pk, on_progress=report)
    print("", file=sys.stderr)
    print(f"{batch.get_status_display()}：{batch.message}")
    for error in batch.errors[:20]:
        print(f"  第{error['row']}行 {error['field']}：{error['message']}")
    if batch.has_report:
        from govtrust.records.services.bulk import report_file

        print(f"错误报告：{report_file(batch)}")
    return 0 if batch.status in (ImportStatus.SUCCEEDED, ImportStatus.PARTIAL) else 1


def cmd_worker(args: argparse.Namespace) -> int:
    """Run queued tasks; the scheduler thread beats the heartbeat and queues periodic jobs.
    SIGTERM/SIGINT let a running task finish, then exit (both workers handle them). With
    GOVTRUST_TASKS=rq an RQ worker takes jobs from Redis (blocking, so --interval is unused);
    it runs them in this process, like the database worker, beside the scheduler thread."""
    from django.conf import settings
    from django.core.management import call_command

    from govtrust.core import scheduler, walcheckpoint
    from govtrust.core.tempclean import clean_stale_temp

    try:
        clean_stale_temp()  # leftovers of a backup or restore killed mid-run
    except Exception:  # never keep the worker from starting
        import logging

        logging.getLogger("govtrust.worker").exception("cleaning leftover temporary files failed")
    stop = scheduler.start()
    checkpoints = walcheckpoint.start()  # SQLite: the WAL checkpoints here, not in commits
    try:
        if settings.GOVTRUST_TASKS == "rq":
            call_command(
                "rqworker",
                *settings.TASKS["default"]["QUEUES"],
                job_class="django_tasks_rq.Job",
                worker_class="rq.worker.SimpleWorker",
                with_scheduler=True,  # RQ's own, for jobs deferred with run_after
            )
        else:
            call_command("db_worker", interval=args.interval)
    finally:
        stop.set()
        if checkpoints is not None:
            checkpoints.set()
    return 0


def _passphrase() -> str:
    """GOVTRUST_BACKUP_PASSPHRASE, else one line of standard input (not echoed on a terminal)."""
    if os.environ.get("GOVTRUST_BACKUP_PASSPHRASE"):
        return os.environ["GOVTRUST_BACKUP_PASSPHRASE"]
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("备份口令：")
    return sys.stdin.readline().rstrip("\n")


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from govtrust.core.backup import backup_create
    from govtrust.core.errors import DomainError

    try:
        report = backup_create(destination=Path(args.file), passphrase=_passphrase())
    except DomainError as exc:
        print(exc.detail, file=sys.stderr)
        return 2
    print(f"已写入备份 {report.path}：{report.parts} 个部分，{report.size / 1048576:.1f} MB")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from govtrust.core.backup import backup_restore
    from govtrust.core.errors import DomainError

    try:
        manifest = backup_restore(source=Path(args.file), passphrase=_passphrase())
    except DomainError as exc:
        print(exc.detail, file=sys.stderr)
        return 2
    print(f"已从 {manifest['created_at']} 的备份恢复：{len(manifest['parts'])} 个部分。")
    print("请运行 govtrust audit verify 和 govtrust verify --deep 核对。")
    for name in ("SECRET_KEY", "GOVTRUST_DATA_KEY"):
        if os.environ.get(name):
            print(f"注意：环境变量 {name} 已设置，平台将使用它而不是恢复到 var/ 的密钥。")
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from govtrust.core.errors import DomainError
    from govtrust.core.key_rotation import signing_key_rotate

    if args.key == "data":
        return _rotate_data(args)
    if args.key == "log":
        return _rotate_log()
    try:
        public_pem = signing_key_rotate(name=args.key)
    except DomainError as exc:
        print(exc.detail, file=sys.stderr)
        return 2
    print(f"已轮换 {args.key} 签名密钥，旧密钥已停用并保留。请把新公钥交给省信用信息共享平台：")
    print(public_pem, end="")
    return 0


def _rotate_data(args: argparse.Namespace) -> int:
    from govtrust.core.data_key_rotation import data_key_rotate
    from govtrust.core.errors import DomainError

    try:
        report = data_key_rotate(
            batch=args.batch, progress=lambda message: print(message, flush=True)
        )
    except DomainError as exc:
        print(exc.detail, file=sys.stderr)
        return 2
    print(
        f"数据密钥已轮换：{report.old_key_id} → {report.new_key_id}；检查 {report.scanned} 行，"
        f"重新加密 {report.reencrypted} 行，旧密钥已停用并删除。"
    )
    print("请立即做一次备份（govtrust backup）：之前的备份只能用旧密钥解密。")
    return 0


def _rotate_log() -> int:
    from govtrust.core.errors import DomainError
    from govtrust.ledger.key_chain import log_key_rotate

    try:
        handover = log_key_rotate()
    except DomainError as exc:
        print(exc.detail, file=sys.stderr)
        return 2
    print(
        f"透明日志签名密钥已轮换：{handover.old_key_id} → {handover.new_key_id}，"
        f"交接条目为日志第 {handover.leaf_index} 号叶子（由旧密钥签名）。新公钥："
    )
    print(handover.new_public_key, end="")
    return 0


def cmd_exchange(args: argparse.Namespace) -> int:
    from pathlib import Path

    from govtrust.core import signing
    from govtrust.exchange.services import deliver_due, feedback_apply

    if args.action == "pubkey":
        print(signing.public_key_pem("exchange"), end="")
        return 0
    if args.action == "send":
        batches = deliver_due()
        for batch in batches:
            state = batch.get_status_display()
            extra = f"（{batch.last_error}）" if batch.last_error else ""
            print(f"批次 {batch.pk}：{batch.record_count}条，{state}{extra}")
        if not batches:
            print("没有需要报送的记录")
        return 0 if all(b.status == "delivered" for b in batches) else 1
    if not args.file:
        print("请给出反馈文件", file=sys.stderr)
        return 2
    try:
        lines = Path(args.file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"无法读取反馈文件：{exc}", file=sys.stderr)
        return 2
    report = feedback_apply(lines=lines, source=Path(args.file).name)
    print(f"已处理反馈 {report.applied} 条")
    for error in report.errors:
        print(f"  {error}", file=sys.stderr)
    return 0 if not report.errors else 1


def build_parser() -> argparse.ArgumentParser:
    from govtrust.directory.models import Role

    parser = argparse.ArgumentParser(prog="govtrust", description="GovTrust 政务诚信平台")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="迁移数据库并加载行政区划（可重复运行）").set_defaults(
        func=cmd_setup
    )
    sub.add_parser("demo", help="setup 加演示数据，打印演示账号").set_defaults(func=cmd_demo)
    serve = sub.add_parser("serve", help="启动生产服务器")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=int(os.environ.get("GOVTRUST_WORKERS", "2")))
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="不在本进程旁启动后台任务（另行运行 govtrust worker 时使用）",
    )
    serve.add_argument("--interval", type=float, default=1.0, help="后台任务空闲时轮询间隔（秒）")
    serve.set_defaults(func=cmd_serve)
    create = sub.add_parser("createuser", help="创建用户")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=Role.values)
    create.add_argument("--unit", required=True, help="所属单位的行政区划代码")
    create.add_argument("--department", help="部门名称")
    create.add_argument("--name", help="姓名（显示在页面和处理历史中）")
    create.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    create.set_defaults(func=cmd_createuser)
    token = sub.add_parser("token", help="生成接口令牌（只输出令牌）")
    token.add_argument("username")
    token.set_defaults(func=cmd_token)
    imp = sub.add_parser("import", help="批量导入失信记录（xlsx、xls、ods、csv）")
    imp.add_argument("file")
    imp.add_argument("--unit", required=True, help="报送单位的行政区划代码")
    imp.add_argument("--department", help="报送部门名称")
    imp.add_argument("--mode", choices=["all_or_nothing", "valid_rows"], default="all_or_nothing")
    imp.add_argument("--dry-run", action="store_true", help="只校验，不导入")
    imp.set_defaults(func=cmd_import)
    worker = sub.add_parser("worker", help="运行后台任务（导入、提醒、报送）")
    worker.add_argument("--interval", type=float, default=1.0, help="空闲时轮询间隔（秒）")
    worker.set_defaults(func=cmd_worker)
    backup = sub.add_parser("backup", help="把数据库、密钥（口令加密）和文件写入一个备份文件")
    backup.add_argument("file")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="把备份恢复到新建的空安装（拒绝非空数据库）")
    restore.add_argument("file")
    restore.set_defaults(func=cmd_restore)
    keys = sub.add_parser("keys", help="密钥轮换")
    keys.add_argument("action", choices=["rotate"])
    keys.add_argument("key", choices=["data", "log", "exchange"], help="要轮换的密钥")
    keys.add_argument("--batch", type=int, default=500, help="data：每个事务重新加密的行数")
    keys.set_defaults(func=cmd_keys)
    exchange = sub.add_parser("exchange", help="与省信用信息共享平台交换")
    exchange.add_argument("action", choices=["send", "feedback", "pubkey"])
    exchange.add_argument("file", nargs="?", help="feedback：省平台的反馈文件（JSON Lines）")
    exchange.set_defaults(func=cmd_exchange)
    verify = sub.add_parser("verify", help="用一致性证明核对保存的透明日志检查点")
    verify.add_argument("checkpoint", nargs="?", help="以前保存的检查点 JSON 文件")
    verify.add_argument("--url", help="门户地址；不给则核对本机数据库")
    verify.add_argument(
        "--deep",
        action="store_true",
        help="由库中的叶子、公示内容（含盐值）和审计链头签名重新计算整棵树并核对每个检查点",
    )
    verify.set_defaults(func=cmd_verify)
    audit = sub.add_parser("audit", help="审计链")
    audit.add_argument("action", choices=["verify", "seal"], help="seal：立即签名审计链头")
    audit.set_defaults(func=cmd_audit)
    assessment_cli.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _django()
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())

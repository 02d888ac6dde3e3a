"""Bulk intake of a department's file: store it, check it, import it, report on it.

1. `import_batch_create` stores the upload outside the web root under a random name, refuses what
   is not a spreadsheet (by content) or too large, and queues the batch for the worker.
2. `import_batch_run` (the worker) finds the header row, reads the rows a chunk at a time and
   passes each chunk to `import_chunk`, publishing progress in the cache.
3. All-or-nothing (the default) writes inside one transaction that is rolled back if any row
   fails; valid-rows mode commits chunk by chunk, so a crash half-way keeps only whole chunks,
   and running the file again skips them as duplicates.
4. Failing rows go to an Excel report with each bad cell marked and explained.
5. A batch whose worker died stays "running"; `imports_recover_stale` (the worker's scheduler)
   marks it failed after a while without progress, counting what valid-rows mode had committed.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.errors import DomainError
from govtrust.core.gcpause import collect as collect_cycles
from govtrust.core.gcpause import gc_paused
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.records.bulk import mapping, readers, report, sniff
from govtrust.records.bulk.columns import Layout, find_layout, missing_columns
from govtrust.records.bulk.report import FIELD_LABELS
from govtrust.records.models import ImportBatch, ImportMode, ImportStatus, RecordEvent
from govtrust.records.services.bulk_rows import Intake, RowError, import_chunk

CHUNK = 1000
KEPT_ERRORS = 200


class _Rollback(Exception):
    """Leaves the all-or-nothing transaction without keeping anything."""


def upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads" / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def batch_file(batch: ImportBatch) -> Path:
    return upload_dir() / batch.stored_name


def report_file(batch: ImportBatch) -> Path:
    return upload_dir() / f"{batch.stored_name}.errors.xlsx"


def _store(source: IO[bytes], limit: int) -> tuple[str, int, str]:
    """Copy the upload to a random name, hashing as it goes; stop at the size limit."""
    name = f"{uuid.uuid4().hex}.upload"
    digest, size = hashlib.sha256(), 0
    target = upload_dir() / name
    with target.open("wb") as out:
        while chunk := source.read(1 << 16):
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise DomainError(f"文件过大，上限为 {limit / 1048576:.0f} MB")
            digest.update(chunk)
            out.write(chunk)
    return name, size, digest.hexdigest()


def import_batch_create(
    *,
    actor: User,
    source: IO[bytes],
    filename: str,
    mode: str = ImportMode.ALL_OR_NOTHING,
    dry_run: bool = False,
    queue: bool = True,
    court_list: bool = False,
) -> ImportBatch:
    """Store and check an upload, then queue it for the worker once the row that describes it
    is committed (`queue=False`: the caller runs it at once, as `govtrust import` does).
    Nothing is imported yet. `court_list`: the court's list of dishonest debtors, which the
    credit office imports (it publishes the entries and ends them)."""
    policy.require(actor, "records.publish" if court_list else "records.file")
    if mode not in ImportMode.values:
        raise DomainError("导入方式无效", errors=[("mode", f"应为 {', '.join(ImportMode.values)}")])
    safe_name = Path(filename or "upload").name[-200:] or "upload"
    limit = int(getattr(settings, "GOVTRUST_IMPORT_MAX_BYTES", 20 << 20))
    stored, size, digest = _store(source, limit)
    try:
        kind = sniff.detect(upload_dir() / stored, safe_name)
    except DomainError:
        (upload_dir() / stored).unlink(missing_ok=True)
        raise
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            unit=actor.unit,
            department=actor.department,
            division_code=actor.scope_code,
            created_by=actor,
            filename=safe_name,
            stored_name=stored,
            sha256=digest,
            size=size,
            kind=kind,
            mode=mode,
            dry_run=dry_run,
            court_list=court_list,
        )
        audit_append(
            actor=actor.username,
            action="import.create",
            object_type="import_batch",
            object_id=str(batch.pk),
            after={
                "filename": safe_name,
                "sha256": digest,
                "size": size,
                "mode": mode,
                "dry_run": dry_run,
                "court_list": court_list,
            },
        )
        if queue:
            from govtrust.records.tasks import run_import  # tasks import this module

            # robust: the batch is committed whatever the queue says; if it refuses (Redis
            # down), the error is logged and imports_requeue_lost queues the batch later.
            transaction.on_commit(lambda: run_import.enqueue(str(batch.pk)), robust=True)
    return batch


def progress(batch: ImportBatch) -> dict[str, Any]:
    """What the progress bar shows: the worker's last report, or the batch's final counts."""
    live = cache.get(f"govtrust:import:{batch.pk}")
    if batch.status in (ImportStatus.PENDING, ImportStatus.RUNNING) and live:
        return {"processed": live["processed"], "total": live["total"]}
    return {"processed": batch.processed_rows, "total": batch.total_rows}


def _publish(batch: ImportBatch, processed: int, total: int) -> None:
    live = {"processed": processed, "total": total, "at": timezone.now().isoformat()}
    cache.set(f"govtrust:import:{batch.pk}", live, 86400)


def _last_progress(batch: ImportBatch) -> tuple[datetime.datetime, int]:
    """When the worker last reported on a running batch, and how many rows it had read."""
    live = cache.get(f"govtrust:import:{batch.pk}")
    if live and live.get("at"):
        return datetime.datetime.fromisoformat(live["at"]), int(live["processed"])
    return batch.started_at or batch.created_at, batch.processed_rows


def imports_recover_stale(*, now: datetime.datetime | None = None) -> list[ImportBatch]:
    """Batches left "running" by a worker that died (killed, host restarted): no progress for
    GOVTRUST_IMPORT_STALE_AFTER seconds. Each is marked failed saying what it had committed."""
    now = now or timezone.now()
    limit = datetime.timedelta(seconds=int(settings.GOVTRUST_IMPORT_STALE_AFTER))
    stale = ImportBatch.objects.filter(status=ImportStatus.RUNNING, started_at__lt=now - limit)
    recovered = []
    for batch in stale:
        last, processed = _last_progress(batch)
        if now - last >= limit:
            done = _recover(
                batch_id=batch.pk, processed=processed, minutes=int(limit.total_seconds()) // 60
            )
            if done is not None:
                recovered.append(done)
    return recovered


def imports_requeue_lost(*, now: datetime.datetime | None = None) -> list[ImportBatch]:
    """Batches still "pending" GOVTRUST_IMPORT_STALE_AFTER seconds after upload: their queue
    entry may be lost (the queue refused the on-commit enqueue, or Redis restarted without its
    data), so each is queued again, at most once per that period (a shared-cache mark), so a
    merely long queue gets one extra entry per batch, not one a minute. A batch run twice is
    harmless: import_batch_run takes only a pending batch."""
    from govtrust.records.tasks import run_import  # tasks import this module

    now = now or timezone.now()
    seconds = int(settings.GOVTRUST_IMPORT_STALE_AFTER)
    waiting = ImportBatch.objects.filter(
        status=ImportStatus.PENDING, created_at__lt=now - datetime.timedelta(seconds=seconds)
    )
    requeued = []
    for batch in waiting:
        mark = f"govtrust:import:requeued:{batch.pk}"
        if cache.add(mark, 1, seconds):
            try:
                run_import.enqueue(str(batch.pk))
            except Exception:
                cache.delete(mark)  # look again next minute
                raise
            requeued.append(batch)
    return requeued


@transaction.atomic
def _recover(*, batch_id: uuid.UUID, processed: int, minutes: int) -> ImportBatch | None:
    batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
    if batch.status != ImportStatus.RUNNING:
        return None  # it finished (or another worker recovered it) meanwhile
    intake = Intake(actor=batch.created_by, batch_label=_label(batch))
    stopped = f"导入中断：后台处理程序在处理中途停止，超过{minutes}分钟没有进展"
    if batch.mode == ImportMode.VALID_ROWS and not batch.dry_run:
        # Valid-rows mode committed whole chunks as it went; their records carry the batch's
        # label, written by its clerk after it started.
        intake.created = RecordEvent.objects.filter(
            action="import",
            note=intake.batch_label,
            actor=batch.created_by,
            at__gte=batch.started_at,
        ).count()
        batch.message = (
            f"{stopped}。已导入的{intake.created}条保留，其余行未导入；"
            "重新上传同一文件会跳过已导入的行"
        )
    else:
        # All-or-nothing wrote in one transaction, which died with the worker's connection.
        batch.message = f"{stopped}。按导入方式未导入任何记录，请重新上传"
    batch.status = ImportStatus.FAILED
    batch.processed_rows = processed
    _close(batch, intake, [])
    return batch


def _label(batch: ImportBatch) -> str:
    return f"批量导入 {batch.filename}"


def _data_rows(
    path: Path, batch: ImportBatch
) -> tuple[Layout, int, Iterator[tuple[int, list[Any]]]]:
    """The header layout, the number of data rows, and the data rows numbered as in the sheet."""
    height, rows = readers.open_rows(path, sniff.EXTENSIONS["." + batch.kind])
    head: list[list[Any]] = []
    for row in rows:
        head.append(row)
        if len(head) >= 30:
            break
    layout = find_layout(head)
    if layout is None:
        raise DomainError("找不到表头：请使用下载的模板，表头须包含“主体名称”“文书号”等列")
    missing = missing_columns(layout)
    if missing:
        raise DomainError(f"缺少必填列：{'、'.join(missing)}")

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        number = layout.header_row + 1
        for row in [*head[layout.header_row + 1 :]]:
            number += 1
            yield number, row
        for row in rows:
            number += 1
            yield number, row

    return layout, max(height - layout.header_row - 1, 0), numbered()


def _blank(row: list[Any]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def import_batch_run(
    *, batch_id: uuid.UUID, on_progress: Callable[[int, int], None] | None = None
) -> ImportBatch:
    """The worker's job: read, check and import one batch, and record the outcome."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != ImportStatus.PENDING:
            return batch  # already taken by another worker, or finished: never run twice
        batch.status, batch.started_at = ImportStatus.RUNNING, timezone.now()
        batch.save(update_fields=["status", "started_at"])
    errors: list[RowError] = []
    intake = Intake(actor=batch.created_by, batch_label=_label(batch))
    try:
        path = batch_file(batch)
        layout, total, rows = _data_rows(path, batch)
        max_rows = int(getattr(settings, "GOVTRUST_IMPORT_MAX_ROWS", 200_000))
        if total > max_rows:
            raise DomainError(f"行数过多：{total}行，上限为{max_rows}行，请分成多个文件")
        if layout.court != batch.court_list:
            raise DomainError(
                "法院失信被执行人名单请通过“导入法院名单”上传"
                if layout.court
                else "找不到法院名单的表头：须包含“案号”“执行法院”“失信情形”“发布日期”"
                "“统一社会信用代码”"
            )
        intake.legacy, intake.court = layout.legacy, layout.court
        intake.write = not batch.dry_run
        all_or_nothing = batch.mode == ImportMode.ALL_OR_NOTHING
        processed = 0
        try:
            with (
                gc_paused(),
                _bounded_page_cache(),
                transaction.atomic() if all_or_nothing else contextlib.nullcontext(),
            ):
                chunk: list[tuple[int, dict[str, Any]]] = []
                payload = mapping.Mapper(layout)
                for number, row in rows:
                    processed += 1
                    if _blank(row):
                        continue
                    chunk.append((number, payload(row)))
                    if len(chunk) >= CHUNK:
                        errors += _run_chunk(chunk, intake, all_or_nothing, errors)
                        chunk = []
                        collect_cycles()  # what this chunk left in cycles, at most a chunk's
                        _publish(batch, processed, total)
                        if on_progress is not None:
                            on_progress(processed, total)
                errors += _run_chunk(chunk, intake, all_or_nothing, errors)
                if all_or_nothing and errors and (intake.created or intake.ended):
                    raise _Rollback
        except _Rollback:
            intake.created = intake.skipped = intake.ended = 0
        batch.processed_rows, batch.total_rows = processed, total
        _finish(batch, intake, errors, layout)
    except DomainError as exc:
        batch.status, batch.message = ImportStatus.FAILED, exc.detail
        _close(batch, intake, errors)
    except Exception as exc:  # a crash half-way: the mode decides what stays, the batch says why
        batch.status = ImportStatus.FAILED
        batch.message = f"导入过程中出错，已按导入方式回滚：{type(exc).__name__}"
        _close(batch, intake, errors)
        raise
    return batch


# SQLite pages an import may keep in memory: the connection's cache (settings: 64 MB, for the
# portal's searches) would fill with the pages a long import writes, so memory would grow with
# the file up to that cap. An import writes each page once; a small cache costs it nothing.
IMPORT_PAGE_CACHE_KIB = 8192


@contextlib.contextmanager
def _bounded_page_cache() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size=-{IMPORT_PAGE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:  # the worker keeps its connection (CONN_MAX_AGE)
            cursor.execute(f"PRAGMA cache_size={before}")


def _run_chunk(
    chunk: list[tuple[int, dict[str, Any]]],
    intake: Intake,
    all_or_nothing: bool,
    errors_so_far: list[RowError],
) -> list[RowError]:
    if not chunk:
        return []
    # In all-or-nothing mode, once a row has failed nothing more is written: the rest is only
    # checked, so the report lists every error in one pass.
    intake.write = intake.write and not (all_or_nothing and errors_so_far)
    if all_or_nothing:
        return import_chunk(chunk, intake)
    with transaction.atomic():
        return import_chunk(chunk, intake)


def errors_counted(errors: list[RowError]) -> str:
    """Rows and errors told apart: one row with five errors is "1行，共5处错误"."""
    return f"{len({e.row for e in errors})}行，共{len(errors)}处错误"


def _finish(batch: ImportBatch, intake: Intake, errors: list[RowError], layout: Layout) -> None:
    batch.legacy = layout.legacy
    if errors:
        report.write(batch_file(batch), batch.kind, layout, errors, report_file(batch))
        batch.has_report = True
    skipped = f"，{intake.skipped}条此前已登记，已跳过" if intake.skipped else ""
    if intake.ended:
        skipped += f"，{intake.ended}条经人民法院删除，已结束公示"
    if not errors:
        batch.status = ImportStatus.SUCCEEDED
        if batch.dry_run:
            batch.message = f"校验通过，未发现错误（仅校验，未导入）{skipped}"
        else:
            batch.message = f"导入{intake.created}条，均为“已报送”{skipped}"
    elif batch.mode == ImportMode.VALID_ROWS and intake.created:
        batch.status = ImportStatus.PARTIAL
        batch.message = (
            f"导入{intake.created}条{skipped}；有错误的行未导入：{errors_counted(errors)}，"
            "请下载错误报告"
        )
    else:
        batch.status = ImportStatus.FAILED
        batch.message = (
            f"发现错误：{errors_counted(errors)}，未导入任何记录{skipped}，"
            "请下载错误报告修改后重新上传"
        )
    _close(batch, intake, errors)


def _close(batch: ImportBatch, intake: Intake, errors: list[RowError]) -> None:
    errors.sort(key=lambda e: e.row)
    batch.created_count = intake.created
    batch.skipped_count = intake.skipped
    batch.error_count = len(errors)
    batch.errors = [
        {
            "row": e.row,
            "field": e.field,
            "label": FIELD_LABELS.get(e.field, "本行"),
            "message": e.message,
        }
        for e in errors[:KEPT_ERRORS]
    ]
    batch.finished_at = timezone.now()
    batch.save()
    cache.delete(f"govtrust:import:{batch.pk}")
    audit_append(
        actor=batch.created_by.username,
        action="import.finish",
        object_type="import_batch",
        object_id=str(batch.pk),
        outcome="success" if batch.status != ImportStatus.FAILED else "failure",
        after={
            "status": batch.status,
            "created": batch.created_count,
            "errors": batch.error_count,
            "message": batch.message,
        },
    )


def remove_files(batch: ImportBatch) -> None:
    for path in (batch_file(batch), report_file(batch)):
        path.unlink(missing_ok=True)

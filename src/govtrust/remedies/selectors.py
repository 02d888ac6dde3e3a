"""Staff reads of cases (always within the reader's scope) and the public view of one case."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from govtrust.core.audit import audit_append
from govtrust.core.errors import NotFound
from govtrust.core.protect import decrypt
from govtrust.core.workdays import working_days_left
from govtrust.core.workdays.engine import Calendar
from govtrust.directory import policy
from govtrust.directory.models import User
from govtrust.directory.selectors import division_names
from govtrust.records.selectors import records_visible
from govtrust.remedies.models import Case, CaseKind, Evidence, SelfCorrection
from govtrust.remedies.rules import CLOCKS
from govtrust.remedies.workflow import CLOSED, STATUS_LABELS


def cases_visible(user: User) -> QuerySet[Case]:
    """The credit office: every case in its scope. A reporting unit: objections to its records
    (it verifies them). Others: none."""
    return policy.cases_in_reach(Case.objects.all(), user, objection=CaseKind.OBJECTION)


def case_get(user: User, number: str) -> Case:
    case = cases_visible(user).select_related("record").filter(number=number[:24]).first()
    if case is None:
        raise NotFound()
    return case


@dataclass(frozen=True)
class QueueLine:
    case: Case
    days_left: int | None  # working days; negative: overdue by that many

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def queue(user: User, *, kind: str = "", open_only: bool = True) -> QuerySet[Case]:
    """Cases in the user's queue, overdue first, then the nearest deadline (page it)."""
    qs = cases_visible(user)
    if kind:
        qs = qs.filter(kind=kind)
    if open_only:
        qs = qs.exclude(status__in=CLOSED)
    return qs.order_by(F("due_date").asc(nulls_last=True), "received_at", "id")


def queue_lines(cases: Iterable[Case]) -> list[QueueLine]:
    """Each case of a page with its working-day countdown."""
    calendar = Calendar.whole()  # one read of the override table for the whole page
    return [queue_line(c, calendar) for c in cases]


def queue_line(case: Case, calendar: Calendar | None = None) -> QueueLine:
    if case.due_date is None:
        return QueueLine(case, None)
    left = working_days_left(timezone.localdate(), case.due_date, calendar=calendar)
    return QueueLine(case, left)


def figures(user: User, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Per handling unit (division) and kind: received, closed on time, overdue, upheld."""
    today = timezone.localdate()
    # Figures are counts: those who watch units' performance count every case in reach.
    counted = policy.cases_counted(Case.objects.all(), user, objection=CaseKind.OBJECTION)
    rows: list[dict[str, Any]] = list(
        counted.filter(received_at__date__gte=start, received_at__date__lte=end)
        .values("division_code", "kind")
        .annotate(
            received=Count("id"),
            on_time=Count("id", filter=Q(closed_at__isnull=False, late=False)),
            overdue=Count(
                "id", filter=Q(late=True) | Q(closed_at__isnull=True, due_date__lt=today)
            ),
            upheld=Count("id", filter=Q(status__in=["upheld", "approved", "substantiated"])),
        )
        .order_by("division_code", "kind")
    )
    labels = dict(CaseKind.choices)
    names = division_names(r["division_code"] for r in rows)
    return [
        {
            **row,
            "kind_label": labels[row["kind"]],
            "division_name": names.get(row["division_code"], row["division_code"]),
        }
        for row in rows
    ]


def evidence_read(*, number: str, evidence_id: int, user: User) -> Evidence:
    """An evidence file of a case the user handles; every download is audited (it may carry
    personal data of the filer or the subject: PIPL art. 51, 等保 8.1.4.3)."""
    case = case_get(user, number)
    evidence = case.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise NotFound()
    audit_append(
        actor=user.username,
        action="case.evidence_read",
        object_type="case",
        object_id=case.number,
        after={"evidence": evidence.pk, "label": evidence.label},
    )
    return evidence


def contact_of(case: Case, user: User) -> tuple[str, str]:
    """(name, phone) as `user` may see them: only the credit office handling the case reads the
    filer's details, and each such read is audited (PIPL art. 51; 等保 8.1.4.3); others, and
    anonymous reports, get nothing."""
    if not policy.permits(user, "cases.office"):
        return "", ""
    if case.contact_phone_cipher is None or case.contact_name_cipher is None:
        return "", case.contact_phone_masked
    audit_append(
        actor=user.username,
        action="case.contact_read",
        object_type="case",
        object_id=case.number,
    )
    return decrypt(bytes(case.contact_name_cipher)), decrypt(bytes(case.contact_phone_cipher))


def public_case(case: Case) -> dict[str, Any]:
    """What the filer sees: no staff names, no contact details, no internal notes beyond the
    reasons given to the filer."""
    return {
        "number": case.number,
        "kind": case.kind,
        "kind_label": case.get_kind_display(),
        "status": case.status,
        "status_label": STATUS_LABELS[case.status],
        "target_name": case.target_name,
        "record_number": case.record.number if case.record else "",
        "received_at": case.received_at,
        "due_date": case.due_date,
        "closed_at": case.closed_at,
        "outcome_reason": case.outcome_reason,
        "corrections": case.corrections,
        "effects": repair_effects(case),
        "progress": progress(case),
        "steps": [
            {
                "at": e.at,
                "by": e.actor_label,
                "action": e.action,
                "status_label": STATUS_LABELS[e.to_status],
                "note": e.note,
            }
            for e in case.events.all()
        ],
    }


@dataclass(frozen=True)
class Step:
    """One stage of the public step bar 受理 → 核查 → 办结."""

    label: str
    state: str  # done, current, skipped, todo
    state_label: str
    at: datetime.datetime | None = None  # when it was done
    due: datetime.date | None = None  # the current stage's deadline
    days_left: int | None = None  # working days, negative: overdue by that many
    source: str = ""  # the deadline's source (rules.CLOCKS)
    due_label: str = ""  # what the deadline is for (受理审查, 答复 ...)


_STATE_LABELS = {"done": "已完成", "current": "进行中", "skipped": "未进行", "todo": "未开始"}
# The stage each open status is in; closed statuses end at 办结 (refusals skip 核查).
_STAGE = {"received": 0, "verifying": 1, "handling": 1}


def progress(case: Case) -> list[Step]:
    """The filer's step bar: 受理 (the office decides whether to take the case up), 核查 (the
    data provider or office checks it; a repair application is checked from receipt), 办结;
    each with its date, and the current one with its deadline and working-day countdown."""
    events = list(case.events.all())
    taken_at = next((e.at for e in events if e.to_status in ("verifying", "handling")), None)
    if case.kind == CaseKind.REPAIR:
        taken_at = case.received_at  # no separate acceptance: checked from receipt
    closed = case.status in CLOSED
    refused = case.status == "refused"
    stage = 2 if closed else _STAGE.get(case.status, 0)
    if case.kind == CaseKind.REPAIR and not closed:
        stage = 1
    today = timezone.localdate()
    clock = CLOCKS.get((case.kind, case.status))
    steps: list[Step] = []
    for index, label in enumerate(("受理", "核查", "办结")):
        at = (taken_at, None, case.closed_at)[index]
        if index == 1 and closed:
            at = case.closed_at if not refused else None
        if index == 0 and refused:
            at = case.closed_at
        if refused and index == 1:
            state = "skipped"
        elif index < stage or (closed and index == 2):
            state = "done"
        elif index == stage:
            state = "current"
        else:
            state = "todo"
        step = Step(label, state, _STATE_LABELS[state], at=at if state == "done" else None)
        if index == 0 and refused:
            step = dataclasses.replace(step, state_label="不予受理")
        if state == "current" and case.due_date is not None:
            step = dataclasses.replace(
                step,
                due=case.due_date,
                days_left=working_days_left(today, case.due_date),
                source=clock.source if clock else "",
                due_label=clock.label if clock else "当前环节",
            )
        steps.append(step)
    return steps


def repair_effects(case: Case) -> list[dict[str, str]]:
    """What an approved repair did, for the filer: the publication ended, the sharing platform
    told to stop, the measures lifted (信用修复管理办法: the three go together)."""
    record = case.record
    if case.kind != CaseKind.REPAIR or case.status != "approved" or record is None:
        return []
    publication = getattr(record, "publication", None)
    ended = "未在公示中"
    if publication is not None and publication.withdrawn_at is not None:
        ended = f"已于{timezone.localtime(publication.withdrawn_at):%Y年%m月%d日}结束公示"
    notice = record.exchange_notices.filter(case_number=case.number).first()
    shared = "无需通知"
    if notice is not None:
        shared = "已通知省信用信息共享平台停止共享和使用"
        if notice.batch_id is None:
            shared = "停止共享和使用的通知已列入下一批报送省信用信息共享平台"
    lifted = record.measures.filter(status="lifted", mitigation_note__contains=case.number)
    running = record.measures.filter(status__in=("active", "submitted", "lightened")).count()
    measures = f"已解除{lifted.count()}项惩戒措施" if lifted.exists() else "没有需解除的惩戒措施"
    if running:
        measures += f"，{running}项仍在执行"
    return [
        {"name": "公示", "state": ended},
        {"name": "共享", "state": shared},
        {"name": "惩戒措施", "state": measures},
    ]


def self_corrections(user: User, record_number: str) -> QuerySet[SelfCorrection]:
    """A record's self-corrections; NotFound (404) when the record is outside reach."""
    record = records_visible(user).filter(number=record_number[:24]).first()
    if record is None:
        raise NotFound()
    return SelfCorrection.objects.filter(record=record)


def cases_by_state(user: User) -> list[dict[str, Any]]:
    """Cases in reach by kind and state (the credit office's home page): counted as `figures`
    counts them, every case in reach for those who watch units' performance."""
    counted = policy.cases_counted(Case.objects.all(), user, objection=CaseKind.OBJECTION)
    rows = counted.values("kind", "status").annotate(n=Count("id")).order_by("kind", "status")
    kinds = dict(CaseKind.choices)
    return [
        {
            "kind": row["kind"],
            "kind_label": kinds.get(row["kind"], row["kind"]),
            "status": row["status"],
            "status_label": STATUS_LABELS.get(row["status"], row["status"]),
            "closed": row["status"] in CLOSED,
            "count": row["n"],
        }
        for row in rows
    ]

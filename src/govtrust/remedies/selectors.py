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
from govtrust.core.errors import DomainError, NotFound
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
    return qs.select_related("promise").order_by(
        F("due_date").asc(nulls_last=True), "received_at", "id"
    )


def queue_lines(cases: Iterable[Case]) -> list[QueueLine]:
    """Each case of a page with its working-day countdown."""
    calendar = Calendar.whole()  # one read of the override table for the whole page
    return [queue_line(c, calendar) for c in cases]


def queue_line(case: Case, calendar: Calendar | None = None) -> QueueLine:
    if case.due_date is None:
        return QueueLine(case, None)
    left = working_days_left(timezone.localdate(), case.due_date, calendar=calendar)
    return QueueLine(case, left)


# Cases whose filer was found right: an objection upheld, a repair approved, a report or a
# broken-promise complaint found founded (whatever came of the rectification).
UPHELD = ("upheld", "approved", "substantiated", "rectifying", "reviewing", "performed", "breached")


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
            upheld=Count("id", filter=Q(status__in=UPHELD)),
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
    if case.kind == CaseKind.PROMISE:
        # The firm's contact: the verifying body only, never the unit it complains about.
        if not policy.promise_verifier(user, case.promise.verifier_id):
            return "", ""
    elif not policy.permits(user, "cases.office"):
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
        "promise": promise_view(case),
        "progress": promise_progress(case) if case.kind == CaseKind.PROMISE else progress(case),
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


def promise_view(case: Case) -> dict[str, Any] | None:
    """A broken-promise complaint's own facts, as the filer and the staff read them."""
    if case.kind != CaseKind.PROMISE:
        return None
    complaint = case.promise
    return {
        "category": complaint.category,
        "category_label": complaint.get_category_display(),
        "promise_kind": complaint.promise_kind,
        "promise_kind_label": complaint.get_promise_kind_display(),
        "firm_name": complaint.firm_name,
        "firm_uscc": complaint.firm_uscc,
        "amount": complaint.amount,
        "promised_on": complaint.promised_on,
        "verifier_name": complaint.verifier.name,
        "verdict": complaint.verdict,
        "verdict_label": VERDICT_LABELS.get(complaint.verdict, "尚未认定"),
        "rectify_days": complaint.rectify_days,
        "decline_ground": complaint.decline_ground,
        "decline_ground_label": complaint.get_decline_ground_display()
        if complaint.decline_ground
        else "",
        "breached": case.status == "breached",
    }


VERDICT_LABELS = {"founded": "属实", "unfounded": "不属实"}
# The stage of each open status of a complaint: 受理, 核实认定, 整改, 办结.
_PROMISE_STAGE = {"received": 0, "verifying": 1, "rectifying": 2, "reviewing": 2}


def promise_progress(case: Case) -> list[Step]:
    """The filer's step bar for a broken-promise complaint: 受理 (the body above decides to take
    it up), 核实认定, 整改 (only when founded), 办结; the current one with its deadline."""
    events = list(case.events.all())

    def reached(*statuses: str) -> datetime.datetime | None:
        return next((e.at for e in events if e.to_status in statuses), None)

    closed = case.status in CLOSED
    stage = 3 if closed else _PROMISE_STAGE.get(case.status, 0)
    skipped = {
        "refused": {1, 2},
        "unfounded": {2},
    }.get(case.status, set())
    done_at = [
        reached("verifying") or (case.closed_at if case.status == "refused" else None),
        reached("rectifying", "unfounded"),
        reached("reviewing", "breached") if case.status != "breached" else reached("breached"),
        case.closed_at,
    ]
    today = timezone.localdate()
    clock = CLOCKS.get((case.kind, case.status))
    steps: list[Step] = []
    for index, label in enumerate(("受理", "核实认定", "整改", "办结")):
        if index in skipped:
            state = "skipped"
        elif index < stage or (closed and index == 3):
            state = "done"
        elif index == stage:
            state = "current"
        else:
            state = "todo"
        step = Step(
            label, state, _STATE_LABELS[state], at=done_at[index] if state == "done" else None
        )
        if index == 0 and case.status == "refused":
            step = dataclasses.replace(step, state_label="不予受理")
        if index == 2 and case.status == "breached":
            step = dataclasses.replace(step, state_label="拒不整改，违约失信")
        if index == 3 and closed:
            step = dataclasses.replace(step, state_label=STATUS_LABELS[case.status])
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


def promises_founded_per_unit(user: User, year: int) -> list[dict[str, Any]]:
    """For the annual assessment: per accused unit, the broken-promise complaints found founded
    in `year` (Beijing time), and of them those that ended 违约失信 and those performed. Counted
    over every complaint in the reader's reach (policy.within), as `figures` counts."""
    policy.require(user, "figures.read")
    if not 1990 <= year <= 2100:
        raise DomainError("年度不合理", errors=[("year", "1990至2100")])
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    rows = (
        policy.within(Case.objects.all(), user)
        .filter(
            kind=CaseKind.PROMISE,
            promise__founded_at__gte=start,
            promise__founded_at__lt=end,
        )
        .values(
            "target_government_id",
            "target_department_id",
            "target_name",
            "promise__accused_division_code",
        )
        .annotate(
            founded=Count("id"),
            breached=Count("id", filter=Q(status="breached")),
            performed=Count("id", filter=Q(status="performed")),
        )
        .order_by("promise__accused_division_code", "target_name")
    )
    return [
        {
            "government_id": r["target_government_id"],
            "department_id": r["target_department_id"],
            "unit_name": r["target_name"],
            "division_code": r["promise__accused_division_code"],
            "year": year,
            "founded": r["founded"],
            "breached": r["breached"],
            "performed": r["performed"],
        }
        for r in rows
    ]

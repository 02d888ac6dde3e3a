"""Demo cases and notices (`govtrust demo`): objections, a repair and reports in the queue, and a
few criticism notices published, so the back office and the portal have something to show."""

from __future__ import annotations

import io
from collections.abc import Callable

from govtrust.core.clock import today_beijing
from govtrust.directory.models import Government, User
from govtrust.disclosure.models import Publication


def cases_demo(progress: Callable[[str], None], units: list[str]) -> None:
    """An objection being verified, a fresh one, an approved repair and two reports (one
    anonymous), so the queue and the portal's status line have something to show."""
    from govtrust.remedies.services.filing import Contact, objection_file, report_file
    from govtrust.remedies.services.handling import case_act

    office = User.objects.get(username="creditoffice")
    published = list(Publication.objects.order_by("-id")[:2])
    for n, publication in enumerate(published):
        filed = objection_file(
            record_number=publication.number,
            applicant_role="subject",
            contact=Contact("张明", f"1380000{n:04d}"),
            fields=["facts"],
            content="公示的失信事实与处理决定书记载不一致，相关款项已于决定前支付。",
            files=[],
            address=f"demo-{n}",
        )
        if n == 0:
            case_act(number=filed.case.number, action="accept", actor=office, version=1)
    for n, government in enumerate(Government.objects.filter(division_id__in=units)[:2]):
        report_file(
            government_id=government.pk,
            department_id=None,
            anonymous=n == 0,
            contact=None if n == 0 else Contact("李华", "13900001111"),
            content="招商引资协议约定的奖励资金至今未兑现，企业多次反映无果。",
            files=[],
            address=f"demo-report-{n}",
        )
    _repair(office, exclude=[p.pk for p in published])
    progress("已生成异议、信用修复、投诉举报演示案件 5 件")


def _repair(office: User, exclude: list[int]) -> None:
    """A repaired record: its minimum period over, the repair approved, so its publication has
    ended, the exchange is told and its measures are lifted (issue 12)."""
    from govtrust.remedies.services.filing import Contact, repair_apply
    from govtrust.remedies.services.handling import case_act

    candidate = (
        Publication.objects.filter(
            status="published",
            minimum_end__lt=today_beijing(),
            record__measures__status="active",
        )
        .exclude(pk__in=exclude)
        .exclude(source_type="debtor_list")
        .order_by("id")
        .first()
    )
    if candidate is None:
        return
    filed = repair_apply(
        record_number=candidate.number,
        contact=Contact("王芳", "13700002222"),
        content="已足额支付拖欠款项并完成整改，主要负责人已作书面检查。",
        signer=candidate.record.subject_name,
        commitment_signed=True,
        # A minimal PDF standing for the payment voucher.
        files=[("付款凭证.pdf", io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))],
        address="demo-repair",
    )
    case_act(
        number=filed.case.number,
        action="approve",
        actor=office,
        version=1,
        reason="法定责任已履行完毕，整改到位，准予信用修复",
    )


def notices_demo(progress: Callable[[str], None], count: int = 3) -> None:
    """The credit office publishes a few of the drafted criticism notices, so the portal's
    通报批评 page has something to show."""
    from govtrust.core.errors import DomainError
    from govtrust.documents.selectors import notices_visible
    from govtrust.documents.services.notices import notice_publish

    office = User.objects.get(username="creditoffice")
    drafts = notices_visible(office).filter(status="draft", record__publication__status="published")
    published = 0
    for notice in drafts.order_by("id")[:count]:
        try:
            notice_publish(code=notice.code, actor=office)
        except DomainError as exc:  # e.g. no CJK font on this machine: the demo goes on
            progress(f"未能发布通报批评：{exc.detail}")
            return
        published += 1
    progress(f"已发布通报批评 {published} 份")


DEMO_FIRMS = (
    # (name, USCC body) — a firm's code: 9 (市场监管) 1 (企业), 城关区.
    ("兰州陇原新材料科技有限公司", "MA7K2Q3R"),
    ("甘肃金城路桥建设有限公司", "MA71LX5N"),
)


def promises_demo(progress: Callable[[str], None]) -> None:
    """Two broken-promise complaints about 城关区财政局 (发改财金〔2023〕1103号), verified by
    城关区人民政府's credit office: one founded, then declined citing the change of government
    (违约失信, a draft record for 城关区人民政府); one accepted and being verified. Idempotent:
    a firm that has complained already is not filed again."""
    from govtrust.core.identifiers import compose_uscc
    from govtrust.directory.models import Department
    from govtrust.remedies.models import PromiseComplaint
    from govtrust.remedies.services.filing import Contact, promise_file
    from govtrust.remedies.services.handling import case_act

    department = Department.objects.filter(name="城关区财政局").first()
    verifier = User.objects.filter(username="creditoffice_chengguan").first()
    answerer = User.objects.filter(username="clerk").first()
    if department is None or verifier is None or answerer is None:
        return
    stories = (
        (
            "industry",
            "policy",
            "",
            "2022年区政府产业扶持政策承诺的设备购置补贴120万元，经申报审核公示后至今未拨付。",
        ),
        (
            "arrears",
            "contract",
            "3860000",
            "2021年竣工验收的市政道路工程，合同约定审计结算后60日内付清尾款，至今拖欠386万元。",
        ),
    )
    filed_now = 0
    for n, ((name, body), (category, kind, amount, content)) in enumerate(
        zip(DEMO_FIRMS, stories, strict=True)
    ):
        uscc = compose_uscc("91", "620102", body)
        if PromiseComplaint.objects.filter(firm_uscc=uscc).exists():
            continue
        case = promise_file(
            government_id=None,
            department_id=department.pk,
            category=category,
            promise_kind=kind,
            firm_name=name,
            firm_uscc=uscc,
            amount=amount,
            promised_on="2022-04-18" if n == 0 else "2020-09-01",
            contact=Contact("陈立", f"1390931{n:04d}"),
            content=content,
            files=[],
            address=f"demo-promise-{n}",
        ).case
        filed_now += 1
        case_act(number=case.number, action="accept", actor=verifier, version=1)
        if n:
            continue
        case_act(
            number=case.number,
            action="found",
            actor=verifier,
            version=2,
            reason="经核实，该企业符合补贴条件，补贴资金未拨付属实，责令限期整改。",
            rectify_days=20,
        )
        case_act(
            number=case.number,
            action="decline",
            actor=answerer,
            version=3,
            reason="该补贴系上届政府承诺，本届政府换届后不再执行。",
            ground="government_change",
        )
    if filed_now:
        progress(
            f"已生成违约失信投诉演示案件 {filed_now} 件（其中 1 件认定违约失信并生成记录草稿）"
        )

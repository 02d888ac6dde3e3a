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

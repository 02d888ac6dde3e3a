"""Redaction rules are provincial and change with four eyes; citizen ID masking never switches off.

Regression tests for issue 11's finding "Redaction rules are global, but any credit office can
save them": a prefecture credit office or the security administrator switched off the mobile/ID
rule and phone and ID numbers appeared unmasked on public records of other prefectures.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from govtrust.core.errors import Conflict, DomainError, Forbidden
from govtrust.core.models import AuditEvent
from govtrust.directory.models import User
from govtrust.disclosure.models import (
    Publication,
    RedactionChange,
    RedactionChangeState,
    RedactionRule,
)
from govtrust.disclosure.redaction import CITIZEN_ID, RuleSpec
from govtrust.disclosure.services import publication_publish, rules_in_force
from govtrust.disclosure.services_rules import (
    can_edit_redaction,
    publication_correct,
    redaction_change_approve,
    redaction_change_propose,
    redaction_change_reject,
)
from govtrust.ledger.models import Leaf
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit
from tests.conftest import new_ric, record_payload

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
RIC = new_ric()
MOBILE = "13812345678"
PAGE = "/backoffice/redaction/"


@pytest.fixture
def office(make_user: Callable[..., User]) -> User:
    return make_user("office", "credit_office", "62")


@pytest.fixture
def colleague(make_user: Callable[..., User]) -> User:
    """A second member of the provincial credit office: the four eyes' other pair."""
    return make_user("office2", "credit_office", "62")


@pytest.fixture
def published(clerk: User, reviewer: User, office: User) -> Callable[[], Publication]:
    """Publishes a record of 城关区 (兰州市) whose facts hold a mobile and a citizen ID number."""

    def make() -> Publication:
        data = RecordIn.model_validate(
            record_payload(
                facts=f"联系人手机{MOBILE}，身份证号码{RIC}，逾期未付款。",
                decision_date=str(TODAY - datetime.timedelta(days=10)),
                arose_on=str(TODAY - datetime.timedelta(days=10)),
            )
        )
        record = record_submit(record=record_create(data=data, actor=clerk), actor=clerk)
        return publication_publish(
            record=record_accept(record=record, actor=reviewer), actor=office
        )

    return make


def mobile_off() -> list[RuleSpec]:
    return [dataclasses.replace(r, active=r.name != "mobile") for r in rules_in_force()]


def public_texts(client: Client, number: str) -> str:
    """What the public sees of a record: its page and its open-data resource."""
    page = client.get(f"/gs/records/{number}/").content.decode()
    facts: str = client.get(f"/api/v1/public/records/{number}").json()["view"]["facts"]
    return page + facts


@pytest.mark.parametrize(
    ("role", "unit"),
    [("credit_office", "6205"), ("secadmin", "62"), ("sysadmin", "62"), ("reviewer", "6201")],
)
def test_only_the_provincial_credit_office_may_touch_the_rules(
    client: Client,
    make_user: Callable[..., User],
    published: Callable[[], Publication],
    role: str,
    unit: str,
) -> None:
    """GIVEN a record of 兰州市 published with its phone and ID numbers masked
    WHEN 天水市's credit office (6205), the security or system administrator, or a reviewer opens
    the rules page, posts the old and the new form to switch the mobile rule off, and calls the
    service
    THEN each gets 403 (Forbidden from the service), nothing is stored, and the public record
    stays masked."""
    number = published().number
    user = make_user(f"u_{role}", role, unit)
    assert not can_edit_redaction(user)
    client.force_login(user)
    assert client.get(PAGE).status_code == 403
    old_form = {"name": "mobile", "pattern": "(?!x)x", "active": "0", "keep_head": "0"}
    new_form = {"action": "propose", "mobile-head": "3", "mobile-tail": "4", "note": "关闭"}
    for form in (old_form, new_form, {"action": "preview", "sample": MOBILE}):
        assert client.post(PAGE, form).status_code == 403
    with pytest.raises(Forbidden):
        redaction_change_propose(actor=user, rules=mobile_off(), note="关闭手机号遮蔽")
    assert "redaction" not in client.get("/api/v1/openapi.json").content.decode()
    assert RedactionRule.objects.get(name="mobile").active
    assert not RedactionChange.objects.exists()
    seen = public_texts(client, number)
    assert MOBILE not in seen and RIC not in seen and "138****5678" in seen


def test_a_change_takes_effect_only_after_another_member_approves(
    client: Client, office: User, colleague: User, published: Callable[[], Publication]
) -> None:
    """GIVEN a published record with a masked phone number
    WHEN one member of the provincial credit office proposes switching the mobile rule off,
    tries to approve it herself, and a colleague then approves it
    THEN the public record stays masked until the colleague's approval, the proposer's own
    approval is refused, and the approval re-renders the record (a logged correction) with the
    ID number still masked; each step is audited with before and after."""
    publication = published()
    change = redaction_change_propose(actor=office, rules=mobile_off(), note="手机号码不再遮蔽")
    assert change.state == RedactionChangeState.PENDING
    assert MOBILE not in public_texts(client, publication.number)
    with pytest.raises(Forbidden, match="提出人不能审核"):
        redaction_change_approve(change=change, actor=office, version=change.version)
    assert RedactionRule.objects.get(name="mobile").active

    approved = redaction_change_approve(change=change, actor=colleague, version=change.version)
    assert (approved.state, approved.decided_by, approved.corrected) == ("approved", colleague, 1)
    assert not RedactionRule.objects.get(name="mobile").active
    seen = public_texts(client, publication.number)
    assert MOBILE in seen and RIC not in seen and f"{RIC[:6]}********{RIC[-4:]}" in seen
    kinds = Leaf.objects.filter(record_number=publication.number).values_list("kind", flat=True)
    assert list(kinds) == ["publish", "correct"]
    proposed = AuditEvent.objects.get(action="redaction.propose", object_id=str(change.pk))
    decided = AuditEvent.objects.get(action="redaction.approve", object_id=str(change.pk))
    assert proposed.after and decided.before and decided.after
    mobile = {r["name"]: r for r in proposed.after["rules"]}["mobile"]
    assert proposed.actor == "office" and mobile["active"] is False
    assert decided.actor == "office2" and decided.before["state"] == "pending"
    assert {r["name"]: r for r in decided.before["rules"]}["mobile"]["active"] is True
    assert decided.after["corrected"] == 1
    assert AuditEvent.objects.filter(
        action="publication.correct", object_id=publication.number
    ).exists()


def test_a_rejection_needs_a_reason_and_changes_nothing(
    office: User, colleague: User, published: Callable[[], Publication]
) -> None:
    """GIVEN a pending proposal
    WHEN a colleague rejects it without a reason, then with one, and someone then approves it
    with the version read before the rejection
    THEN the first rejection is refused, the second is stored and audited, the rules are those
    in force before, and the late approval is a conflict."""
    published()
    change = redaction_change_propose(actor=office, rules=mobile_off(), note="关闭")
    with pytest.raises(DomainError, match="理由"):
        redaction_change_reject(change=change, actor=colleague, version=1, reason="  ")
    rejected = redaction_change_reject(
        change=change, actor=colleague, version=1, reason="手机号码属于个人信息，应继续遮蔽"
    )
    assert (rejected.state, rejected.version, rejected.decided_by) == ("rejected", 2, colleague)
    event = AuditEvent.objects.get(action="redaction.reject", object_id=str(change.pk))
    assert event.before == {"state": "pending", "version": 1}
    assert event.after and event.after["reason"] == "手机号码属于个人信息，应继续遮蔽"
    with pytest.raises(Conflict):
        redaction_change_approve(change=change, actor=colleague, version=1)
    assert RedactionRule.objects.get(name="mobile").active


def test_one_proposal_waits_at_a_time_and_a_stale_version_is_a_conflict(
    office: User, colleague: User
) -> None:
    """GIVEN a pending proposal
    WHEN a second one is proposed (through the service, and straight into the table), an
    unchanged rule set is proposed, and the pending one is approved with an old version
    THEN all are refused and the database constraint holds on its own."""
    change = redaction_change_propose(actor=office, rules=mobile_off(), note="关闭")
    with pytest.raises(Conflict, match="待审核"):
        redaction_change_propose(actor=colleague, rules=mobile_off(), note="关闭")
    with pytest.raises(IntegrityError), transaction.atomic():
        RedactionChange.objects.create(
            rules=[], base=[], note="x", proposed_by=colleague, proposed_at=timezone.now()
        )
    with pytest.raises(Conflict, match="他人处理"):
        redaction_change_approve(change=change, actor=colleague, version=7)
    redaction_change_reject(change=change, actor=office, version=1, reason="撤回")
    with pytest.raises(DomainError, match="相同"):
        redaction_change_propose(actor=office, rules=rules_in_force(), note="无变化")


@pytest.mark.parametrize(
    "weakened",
    [
        dataclasses.replace(CITIZEN_ID, active=False),
        dataclasses.replace(CITIZEN_ID, keep_head=10, keep_tail=8),
        dataclasses.replace(CITIZEN_ID, pattern="(?!x)x"),
    ],
)
def test_switching_off_or_weakening_citizen_id_masking_is_refused(
    client: Client, office: User, weakened: RuleSpec
) -> None:
    """GIVEN the provincial credit office
    WHEN it proposes (service, or a crafted form post) to switch off, widen or replace the
    citizen ID rule
    THEN it is refused with a Chinese message and no proposal is stored."""
    with pytest.raises(DomainError, match="身份证号码始终遮蔽"):
        redaction_change_propose(actor=office, rules=[weakened], note="关闭身份证遮蔽")
    client.force_login(office)
    crafted = {
        "action": "propose",
        "citizen_id-on": "1" if weakened.active else "0",
        "citizen_id-head": str(weakened.keep_head),
        "citizen_id-tail": str(weakened.keep_tail),
        "note": "关闭身份证遮蔽",
    }
    if weakened.pattern == CITIZEN_ID.pattern:  # a pattern cannot be posted for a built-in
        answer = client.post(PAGE, crafted)
        assert answer.status_code == 400 and "身份证号码始终遮蔽" in answer.content.decode()
    assert not RedactionChange.objects.exists()


def test_citizen_ids_stay_masked_on_public_views_even_with_the_rule_rows_edited(
    client: Client, published: Callable[[], Publication]
) -> None:
    """GIVEN published records, and the rule rows edited in the database: every row switched
    off and emptied, a `citizen_id` row added that matches nothing and keeps all 18 digits
    WHEN a publication is re-rendered and another one is published
    THEN the phone number shows (its rule is off) but the ID number is masked on both."""
    before = published()
    RedactionRule.objects.update(active=False, pattern="(?!x)x")
    RedactionRule.objects.create(
        name="citizen_id", label="身份证", pattern="(?!x)x", keep_head=18, active=True
    )
    assert publication_correct(publication=before, actor_name="system", reason="测试")
    after = published()
    for number in (before.number, after.number):
        seen = public_texts(client, number)
        assert MOBILE in seen and RIC not in seen and f"{RIC[:6]}********{RIC[-4:]}" in seen
    csv = b"".join(client.get("/gs/records.csv").streaming_content)  # type: ignore[attr-defined]
    assert RIC.encode() not in csv


def test_the_preview_masks_the_sample_and_saves_nothing(client: Client, office: User) -> None:
    """GIVEN the rules page
    WHEN the form is previewed with the mobile rule off (as a page and as the script's JSON
    request) and with a broken custom regular expression
    THEN the sample shows the phone number and the masked ID number, the broken one gets a
    Chinese error as JSON (400), and no proposal or audit event is written."""
    client.force_login(office)
    form = {
        "action": "preview",
        "mobile-head": "3",
        "mobile-tail": "4",
        "sample": f"手机{MOBILE}，身份证{RIC}",
    }
    page = client.post(PAGE, form).content.decode()
    masked = f"手机{MOBILE}，身份证{RIC[:6]}********{RIC[-4:]}"
    assert masked in page
    json = client.post(PAGE, form, headers={"accept": "application/json"})
    assert json.json() == {"preview": masked}
    broken = {**form, "custom-label": "车牌", "custom-pattern": "(["}
    refused = client.post(PAGE, broken, headers={"accept": "application/json"})
    assert refused.status_code == 400 and "正则表达式无效" in refused.json()["detail"]
    assert not RedactionChange.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="redaction.").exists()


def test_the_form_speaks_chinese_and_keeps_regexes_under_advanced(
    client: Client, office: User
) -> None:
    """GIVEN the rules page
    WHEN the provincial credit office opens it
    THEN each kind is named in Chinese (ID numbers marked always on), no internal rule name is
    shown, and regular expressions appear only inside the "advanced" fold."""
    client.force_login(office)
    page = client.get(PAGE).content.decode()
    for label in ("身份证号码（18位）", "手机号码", "固定电话", "电子邮箱", "银行卡号", "详细地址"):
        assert label in page
    assert "始终遮蔽" in page
    for name in ("citizen_id", "mobile", "landline", "email", "bank_card", "address"):
        assert f">{name}<" not in page
    fold = page.index('<details id="advanced"')
    assert page.index('name="custom-pattern"') > fold
    assert page.count("正则表达式") == page[fold:].count("正则表达式")


def test_a_pending_change_is_shown_with_its_diff_and_decided_on_the_page(
    client: Client, office: User, colleague: User
) -> None:
    """GIVEN a proposal to mask bank cards and a custom plate rule
    WHEN the proposer and then a colleague open the page, and the colleague approves it there
    THEN both see the diff before and after; only the colleague has the approve button; after
    approval the rules in force include both and the history shows the change."""
    rules = [
        RuleSpec("bank_card", "银行卡号", "", 6, 4, active=True),
        RuleSpec("", "车牌号码", r"[\u4e00-\u9fa5][A-Z][A-Z0-9]{5}", 2, 0),
    ]
    change = redaction_change_propose(actor=office, rules=rules, note="遮蔽银行卡和车牌")
    client.force_login(office)
    own = client.get(PAGE).content.decode()
    assert "待审核的变更" in own and 'value="approve"' not in own and "撤回" in own
    client.force_login(colleague)
    page = client.get(PAGE).content.decode()
    assert "遮蔽银行卡和车牌" in page and 'value="approve"' in page
    assert "未启用" in page and "新增规则" in page and "车牌号码" in page
    done = client.post(
        PAGE, {"action": "approve", "change": change.pk, "version": change.version}, follow=True
    ).content.decode()
    assert "变更已生效" in done and "待审核的变更" not in done
    in_force = {r.name: r for r in rules_in_force()}
    assert in_force["bank_card"].active and in_force["custom_1"].label == "车牌号码"
    assert 'id="redaction-history"' in done and "已生效" in done

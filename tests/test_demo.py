"""The demo data set looks like real work: every source, domain and severity, late and returned."""

from __future__ import annotations

import pytest

from govtrust.core.audit import audit_verify
from govtrust.demo import demo_load
from govtrust.directory.models import User
from govtrust.disclosure.models import Publication
from govtrust.ledger.models import Checkpoint
from govtrust.records.models import Domain, Record, Severity, SourceType

pytestmark = pytest.mark.django_db


def test_demo_covers_the_domain_and_is_repeatable(directory: None) -> None:
    logins = demo_load(records=120)
    assert {login.role_label for login in logins} >= {
        "填报员",
        "审核员",
        "信用办",
        "督查员",
        "系统管理员",
        "安全管理员",
        "审计管理员",
    }
    for login in logins:
        assert User.objects.get(username=login.username).check_password(login.password)
    # The generated records, without the drafts the demo's serious inspection finding and its
    # 违约失信 complaint make (both checked below).
    records = Record.objects.exclude(decision_number__startswith="专项督导").exclude(
        decision_number__startswith="违约失信认定"
    )
    assert records.count() == 120
    assert set(records.values_list("source_type", flat=True)) == set(SourceType.values)
    assert set(records.values_list("domain", flat=True)) == set(Domain.values)
    assert set(records.values_list("severity", flat=True)) == set(Severity.values)
    assert set(records.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "accepted",
        "returned",
    }
    assert records.filter(on_time=False).exists() and records.filter(on_time=True).exists()
    assert audit_verify().ok
    published = Publication.objects.filter(status="published")
    assert published.exists() and all(p.record.status == "accepted" for p in published)
    # The checkpoint, signed once everything was published, covers every publication made
    # (one was since ended by repair, below).
    assert Checkpoint.objects.get().size == Publication.objects.count()
    from govtrust.remedies.models import Case

    cases = Case.objects.exclude(kind="promise")
    assert cases.count() == 5 and cases.filter(status="verifying").count() == 1
    promises = Case.objects.filter(kind="promise")
    assert sorted(promises.values_list("status", flat=True)) == ["breached", "verifying"]
    breached = promises.get(status="breached")
    assert breached.draft_record is not None and breached.draft_record.source_type == "breach"
    assert breached.draft_record.reporting_government.division_id == "620102"
    # A repaired record (issue 12): publication ended, the exchange told, measures lifted.
    repaired = Case.objects.get(kind="repair", status="approved").record
    assert repaired is not None
    assert Publication.objects.get(record=repaired).withdraw_reason == "repaired"
    assert repaired.exchange_notices.filter(kind="repaired").exists()
    assert repaired.measures.filter(status="lifted").exists()
    assert not repaired.measures.filter(status__in=["active", "lightened", "submitted"]).exists()
    assert published.filter(status_line="异议处理中").count() == 1
    from govtrust.documents.models import Document

    notices = Document.objects.filter(kind="criticism", status="issued")
    assert notices.count() == 3
    assert set(notices.values_list("record__publication__status", flat=True)) == {"published"}

    # The publication rules at work (issue 12): simple-procedure warnings are not on the portal,
    # court-list entries carry their grounds (ground 1 without an end), a 2022 decision falls
    # under 发改办财金〔2019〕527号 and its period has ended.
    warnings = records.filter(procedure="simple", penalties=["warning"])
    assert warnings.count() >= 2 and not warnings.filter(publication__isnull=False).exists()
    grounds = set(records.filter(source_type="debtor_list").values_list("court_ground", flat=True))
    assert {1, 2, 6} <= grounds
    assert published.filter(source_type="debtor_list", maximum_end__isnull=True).exists()
    old = records.get(decision_date="2022-08-15")
    assert old.status == "accepted" and not Publication.objects.filter(record=old).exists()
    assert not published.filter(source_type__in=["discipline", "accountability"]).exists()
    assert not published.filter(severity="minor", record__minor_published=False).exists()

    # One inspection round with findings in every state, the serious one a draft record.
    from govtrust.supervision.models import Finding, Inspection

    assert Inspection.objects.count() == 1
    assert set(Finding.objects.values_list("state", flat=True)) == {
        "recorded",
        "rectifying",
        "answered",
        "closed",
        "withdrawn",
    }
    draft = Finding.objects.get(draft_record__isnull=False).draft_record
    assert draft is not None and draft.status == "draft" and draft.severity == "serious"

    again = demo_load(records=120)
    # 120 generated, the inspection finding's draft and the 违约失信 complaint's draft
    assert Record.objects.count() == 122  # a second run adds nothing...
    assert Inspection.objects.count() == 1 and Finding.objects.count() == 6
    assert Case.objects.filter(kind="promise").count() == 2
    assert again[0].password != logins[0].password  # ...but renews the passwords

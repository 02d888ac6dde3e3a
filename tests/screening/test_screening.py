"""Screening candidates: identifier hits restrict, name matches need review, judgements stick."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from rapidfuzz import fuzz, process

from govtrust.directory.models import User
from govtrust.records.models import Record
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_create
from govtrust.screening.engine import (
    THRESHOLD,
    Candidate,
    Index,
    _reachable,
    identifier_key,
    normalize_name,
    screen,
)
from tests.conftest import new_ric, new_uscc, record_payload

pytestmark = pytest.mark.django_db


def test_names_are_normalised() -> None:
    assert normalize_name("兰州市 人民政府") == normalize_name("兰州市政府") == "兰州市"
    assert normalize_name("ＡＢＣ·王 伟") == "ABC王伟"


def test_identifier_restricts_name_needs_review_and_a_dismissal_is_remembered(
    accept: Callable[..., Record], reviewer: User
) -> None:
    ric = new_ric()
    person = accept(subject_name="王伟", subject_identifier=ric, severity="general")
    uscc = new_uscc()
    body = accept(
        subject_kind="department",
        subject_name="城关区财政局",
        subject_identifier=uscc,
        severity="serious",
    )
    today = timezone.localdate()
    candidates = [
        Candidate(1, "王伟", ric),
        Candidate(2, "城关区财政局", uscc),
        Candidate(3, "王伟", new_ric(), unit="七里河区教育局"),
        Candidate(4, "汪伟", "", unit="榆中县"),
        Candidate(5, "李娜", new_ric()),
    ]
    results = screen(candidates, today=today)
    verdicts = [r.verdict for r in results]
    assert verdicts == ["restricted", "restricted", "review", "review", "clear"]
    assert results[0].matches[0].reason == "身份证号码一致"
    assert results[0].matches[0].record_number == person.number
    assert results[1].matches[0].reason == "统一社会信用代码一致"
    assert results[1].matches[0].record_number == body.number
    assert {m["kind"] for m in results[1].matches[0].measures} == {"取消荣誉评选资格"}
    assert results[1].until is not None and results[1].until.year == today.year + 3
    assert results[2].matches[0].features == ["name_exact", "identifier_differs"]
    assert results[3].matches[0].features == ["name_pinyin"]  # 汪伟 sounds like 王伟

    client = Client()
    client.force_login(reviewer)
    saved = client.post(
        "/api/v1/screenings/judgements",
        {
            "candidate_key": candidates[2].key,
            "record_number": person.number,
            "confirmed": False,
            "note": "身份证号码不同，非同一人",
        },
        content_type="application/json",
    )
    assert saved.status_code == 201
    again = client.post(
        "/api/v1/screenings",
        {
            "candidates": [
                {"name": "王伟", "identifier": candidates[2].identifier, "unit": "七里河区教育局"}
            ]
        },
        content_type="application/json",
    ).json()
    assert again[0]["verdict"] == "clear" and again[0]["dismissed"] == 1
    assert candidates[2].identifier not in str(again)  # the key of a person is a keyed hash


def test_a_lifted_restriction_no_longer_restricts(
    accept: Callable[..., Record], clerk: User
) -> None:
    from govtrust.remedies.services.followup import self_correction_record

    ric = new_ric()
    record = accept(subject_name="赵敏", subject_identifier=ric, severity="minor")
    today = timezone.localdate()
    assert screen([Candidate(1, "赵敏", ric)], today=today)[0].verdict == "restricted"
    self_correction_record(
        record_number=record.number,
        kind="stopped",
        description="在损害发生前主动叫停了违规付款，未造成损失。",
        corrected_on=today,
        files=[],
        actor=clerk,
    )
    assert screen([Candidate(1, "赵敏", ric)], today=today)[0].verdict == "clear"  # lifted


def test_a_candidate_list_file_is_screened_and_the_result_downloads_as_excel(
    accept: Callable[..., Record], reviewer: User
) -> None:
    import io

    from python_calamine import CalamineWorkbook

    ric = new_ric()
    accept(subject_name="王伟", subject_identifier=ric, severity="general")
    text = "2026年度先进个人候选名单\n姓名,身份证号码,所在单位\n"
    text += f"王伟,{ric},城关区财政局\n李娜,,七里河区\n"
    upload = io.BytesIO(text.encode("gb18030"))
    upload.name = "候选名单.csv"
    client = Client()
    client.force_login(reviewer)
    found = client.post("/api/v1/screenings/upload", {"file": upload}).json()
    assert [(r["name"], r["verdict"], r["row"]) for r in found] == [
        ("王伟", "restricted", 3),
        ("李娜", "clear", 4),
    ]
    upload.seek(0)
    sheet = client.post("/api/v1/screenings/upload?format=xlsx", {"file": upload})
    assert sheet.status_code == 200 and sheet["Content-Disposition"].startswith("attachment")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(sheet.content)).get_sheet_by_index(0)
    cells = rows.to_python()
    assert "透明日志检查点" in str(cells[0][1])
    assert cells[3][4] == "受限" and cells[4][4] == "无限制"
    bad = io.BytesIO(b"MZ\x90\x00binary")
    bad.name = "名单.xlsx"
    refused = client.post("/api/v1/screenings/upload", {"file": bad})
    assert refused.status_code == 400 and refused.json()["detail"]


def test_name_lengths_skipped_by_fuzzy_matching_can_never_reach_the_threshold() -> None:
    # The closest two different names of these lengths can be: one a prefix of the other, or
    # (equal lengths) one character replaced. Skipping is exact: never a pair that can reach
    # THRESHOLD, and every pair that can is scored.
    for size in range(1, 61):
        for other in range(0, 61):
            closest = "甲" * other if other != size else "甲" * (size - 1) + "乙"
            reachable = fuzz.ratio("甲" * size, closest) >= THRESHOLD
            assert _reachable(size, other) == reachable, (size, other)
    assert not _reachable(0, 0)


def test_fuzzy_names_by_length_are_those_of_a_full_scan(accept: Callable[..., Record]) -> None:
    names = [
        "城关区住房和城乡建设局",  # 11 characters
        "城关区住房和城乡建设厅",  # one replaced: 90.9
        "城关区住房和城市建设局",
        "七里河区住房和城乡建设局",  # 12
        "城关区住房城乡建设局",  # 10: one dropped, 95.2
        "城关区住房和城乡规划建设局",  # 13
        "城关区住房保障局",  # 8: too far
        "欧阳娜娜",  # 4
        "欧阳娜娜娜",  # 5: 88.9 against 欧阳娜娜
    ]
    for name in names:
        accept(
            subject_kind="department",
            subject_name=name,
            subject_identifier=new_uscc(),
            severity="general",
        )
    index = Index(timezone.localdate())
    assert sorted(index.names) == sorted(normalize_name(n) for n in names)
    queries = [
        *index.names,
        "城关区住房和城乡建设",
        "城关区住房和城乡建设局办公室",
        "欧阳娜",
        "王伟",
    ]
    for query in queries:
        scan = process.extract(
            query, index.names, scorer=fuzz.ratio, score_cutoff=THRESHOLD, limit=None
        )
        expected = [(other, float(score)) for other, score, _i in scan if other != query]
        assert index.fuzzy(query) == expected, query
    scores = dict(index.fuzzy(names[0]))
    assert scores["城关区住房城乡建设局"] == pytest.approx(95.24, abs=0.01)  # one dropped
    assert [n for n, _s in index.fuzzy("欧阳娜娜")] == ["欧阳娜娜娜"]
    assert len(index.fuzzy(names[0])) == 4  # 11 characters has four others in reach


def test_every_look_alike_above_the_threshold_is_kept_however_many(
    accept: Callable[..., Record],
) -> None:
    """Given seven county bureaux whose names differ by one character (90.0 to each other)
    when one of them is matched
    then all six others are kept (the old cap of five names dropped two of them)."""
    counties = ["礼县", "康县", "漳县", "成县", "岷县", "环县", "徽县"]
    for county in counties:
        accept(
            subject_kind="department",
            subject_name=f"{county}住房和城乡建设局",
            subject_identifier=new_uscc(),
            severity="general",
        )
    found = Index(timezone.localdate()).fuzzy(normalize_name("礼县住房和城乡建设局"))
    assert sorted(name for name, _score in found) == sorted(
        normalize_name(f"{c}住房和城乡建设局") for c in counties[1:]
    )
    assert {score for _name, score in found} == {90.0}


def test_a_citizen_id_that_also_reads_as_a_uscc_is_keyed_as_a_citizen_id(
    accept: Callable[..., Record],
) -> None:
    from govtrust.core.identifiers import check_ric, check_uscc

    ric = "620102199001012025"  # about one valid citizen ID in 340 is also a valid USCC
    assert check_ric(ric).valid and check_uscc(ric).valid
    record = accept(subject_name="李静", subject_identifier=ric, severity="general")
    assert identifier_key(ric) == record.subject_key != ric  # the keyed hash, not the number
    result = screen([Candidate(1, "李静", ric)], today=timezone.localdate())[0]
    assert result.verdict == "restricted"
    assert result.matches[0].reason == "身份证号码一致"
    assert result.candidate.key == record.subject_key


def test_judgements_answer_only_for_records_a_screening_can_match(
    accept: Callable[..., Record], clerk: User, reviewer: User, client: Client
) -> None:
    """Red-team finding: the judgement endpoint answered 201 for any record number, drafts
    included, and 404 otherwise, telling which numbers exist. GIVEN a draft and an accepted
    record with measures THEN only the accepted one can be judged; the draft is "absent"."""
    draft = record_create(data=RecordIn.model_validate(record_payload()), actor=clerk)
    accepted = accept(severity="serious")
    client.force_login(reviewer)
    body = {"candidate_key": "x" * 64, "confirmed": False, "note": ""}
    for number, expected in ((draft.number, 404), (accepted.number, 201)):
        answer = client.post(
            "/api/v1/screenings/judgements",
            {**body, "record_number": number},
            content_type="application/json",
        )
        assert answer.status_code == expected

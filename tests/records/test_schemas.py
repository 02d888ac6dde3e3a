"""RecordIn: the checks every record passes, however it arrives."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from pydantic import ValidationError

from govtrust.core.identifiers import compose_uscc
from govtrust.records.schemas import RecordIn
from tests.conftest import record_payload


def _errors(**overrides: object) -> dict[str, str]:
    try:
        RecordIn.model_validate(record_payload(**overrides))
    except ValidationError as exc:
        return {str(e["loc"][0]): str(e["msg"]) for e in exc.errors()}
    return {}


@pytest.mark.parametrize("kind", ["government", "department"])
def test_a_government_or_department_with_a_company_code_is_refused(kind: str) -> None:
    """GIVEN a government or a department subject carrying a valid company code (91…)
    WHEN the record is validated
    THEN it is refused with a message saying the code is a company's, not an organ's."""
    errors = _errors(subject_kind=kind, subject_identifier="91110108551385082Q")
    assert "工商·企业" in errors["subject_identifier"]
    assert "不是政府机关" in errors["subject_identifier"]


def test_a_department_that_is_a_public_institution_is_accepted() -> None:
    code = compose_uscc("12", "620102", "12345678")
    assert _errors(subject_kind="department", subject_identifier=code) == {}


def test_all_zero_code_is_refused() -> None:
    errors = _errors(subject_kind="government", subject_identifier="000000000000000000")
    assert "登记管理部门代码" in errors["subject_identifier"]


def test_a_decision_of_today_in_beijing_is_not_in_the_future() -> None:
    """GIVEN 07:00 on 2026-05-02 in Beijing, 23:00 on 2026-05-01 in UTC
    WHEN a record decided and arising on 2026-05-02 is validated
    THEN it passes (checked against the server's UTC date it was refused as in the future)."""
    moment = datetime.datetime(2026, 5, 1, 23, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        assert _errors(decision_date="2026-05-02", arose_on="2026-05-02") == {}
        assert (
            "晚于今天"
            in _errors(decision_date="2026-05-03", arose_on="2026-05-03")["decision_date"]
        )

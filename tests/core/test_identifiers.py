"""Identifiers: USCC (GB 32100) and citizen ID (GB 11643) checks with Chinese reasons."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.exceptions import ValidationError

from govtrust.core.identifiers import (
    USCC_ALPHABET,
    check_ric,
    check_uscc,
    compose_ric,
    compose_uscc,
    normalize,
)


def test_real_uscc_is_valid() -> None:
    assert check_uscc("91110108551385082Q").valid


def test_lower_case_and_full_width_are_the_same_uscc() -> None:
    for spelling in (
        "91110108551385082q",
        "９１１１０１０８５５１３８５０８２Ｑ",
        " 9111 0108-5513 85082Q ",
    ):
        result = check_uscc(spelling)
        assert result.valid, spelling
        assert result.normalized == "91110108551385082Q"


def test_wrong_uscc_check_character_says_which_is_expected() -> None:
    result = check_uscc("91110108551385083Q")
    assert not result.valid
    assert "校验位错误" in result.message
    assert "“U”" in result.message


def test_uscc_with_bad_organisation_code_check_is_refused() -> None:
    good = compose_uscc("11", "620102", "12345678")
    body = good[:16] + ("0" if good[16] != "0" else "1")
    from stdnum.cn import uscc

    forged = body + uscc.calc_check_digit(body)  # outer check recomputed, inner one wrong
    result = check_uscc(forged)
    assert not result.valid
    assert "组织机构代码" in result.message


def test_uscc_letters_outside_the_alphabet_are_named() -> None:
    result = check_uscc("9111010855138508IQ")
    assert not result.valid and "“I”" in result.message


def test_uscc_length_is_reported() -> None:
    result = check_uscc("9111010855")
    assert not result.valid and "18位" in result.message and "10位" in result.message


def test_citizen_id_with_lower_case_x_is_valid() -> None:
    result = check_ric("11010519491231002x")
    assert result.valid and result.normalized == "11010519491231002X"


def test_wrong_citizen_id_check_character_is_refused_with_reason() -> None:
    result = check_ric("110105194912310021")
    assert not result.valid
    assert "校验位错误" in result.message and "“X”" in result.message


def test_citizen_id_with_impossible_birth_date_is_refused() -> None:
    result = check_ric(compose_ric("11010519491331002"))
    assert not result.valid and "出生日期" in result.message


def test_citizen_id_stays_valid_when_its_division_code_is_younger_than_the_person() -> None:
    """GIVEN 昌平区 110114, a code in use from 1999, and a person born in 1970
    WHEN the number is checked
    THEN it is valid (stdnum's own validate() would refuse it)."""
    number = compose_ric("11011419700101123")
    assert check_ric(number).valid
    with pytest.raises(ValidationError):  # why core/identifiers does not call stdnum's validate()
        stdnum_ric.validate(number)


def test_unknown_division_code_is_refused() -> None:
    result = check_ric(compose_ric("99999919800101123"))
    assert not result.valid and "地址码" in result.message


@given(st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8))
def test_every_composed_uscc_is_valid_and_any_other_last_character_is_not(body: str) -> None:
    code = compose_uscc("11", "620102", body.replace("I", "1"))
    assert check_uscc(code).valid
    for wrong in USCC_ALPHABET:
        if wrong != code[-1]:
            assert not check_uscc(code[:-1] + wrong).valid


@given(st.text(max_size=40))
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


def test_check_characters_agree_with_python_stdnum() -> None:
    import random

    from stdnum.cn import ric, uscc

    from govtrust.core.identifiers import USCC_ALPHABET, ric_check_char, uscc_check_char

    rng = random.Random(7)
    for _ in range(2000):
        body = "".join(rng.choice(USCC_ALPHABET) for _ in range(17))
        assert uscc_check_char(body) == uscc.calc_check_digit(body)
        stem = "".join(rng.choice("0123456789") for _ in range(17))
        assert ric_check_char(stem) == ric.calc_check_digit(stem + "0")


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("000000000000000000", "第1位“0”不是登记管理部门代码"),
        (compose_uscc("H1", "620102", "12345678"), "第1位“H”"),
        (compose_uscc("94", "620102", "12345678"), "第2位“4”不是工商登记的机构类别代码"),
        (compose_uscc("Y2", "620102", "12345678"), "第2位“2”不是其他登记的机构类别代码"),
        (compose_uscc("14", "620102", "12345678"), "机构编制"),
    ],
)
def test_uscc_registration_authority_and_category_are_checked(code: str, fragment: str) -> None:
    """GIVEN codes whose check characters are right but whose positions 1–2 are not in GB 32100
    WHEN checked
    THEN each is refused and the message names the position (the old check let them pass)."""
    result = check_uscc(code)
    assert not result.valid
    assert fragment in result.message


@pytest.mark.parametrize("head", ["11", "12", "13", "19", "51", "53", "91", "93", "A1", "N3", "Y1"])
def test_uscc_authorities_of_the_standard_and_those_added_since_are_valid(head: str) -> None:
    assert check_uscc(compose_uscc(head, "620102", "12345678")).valid


def test_organ_codes_are_those_of_organs_and_public_institutions() -> None:
    """GIVEN a 机关 code, a 事业单位 code, a company and a social organisation
    WHEN asked whether a government or department may carry them
    THEN only 11 and 12 may, and the refusal says what the code is."""
    from govtrust.core.identifiers import organ_uscc_problem

    assert organ_uscc_problem(compose_uscc("11", "620102", "12345678")) == ""
    assert organ_uscc_problem(compose_uscc("12", "620102", "12345678")) == ""
    company = organ_uscc_problem("91110108551385082Q")
    assert "工商·企业" in company and "不是政府机关" in company
    assert "民政·社会团体" in organ_uscc_problem(compose_uscc("51", "620102", "12345678"))


def test_citizen_id_born_today_in_beijing_is_not_in_the_future() -> None:
    """GIVEN 2026-03-02 00:30 in Beijing, still 2026-03-01 in UTC
    WHEN an ID number of someone born on 2026-03-02 is checked
    THEN the birth date is not in the future (the server's UTC date would say it is)."""
    import datetime

    import time_machine

    with time_machine.travel(
        datetime.datetime(2026, 3, 1, 16, 30, tzinfo=datetime.UTC), tick=False
    ):
        assert check_ric(compose_ric("62010220260302123")).valid

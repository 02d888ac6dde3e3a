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

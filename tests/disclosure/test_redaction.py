"""Every occurrence of personal data in public text is masked, however it is written."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govtrust.core.identifiers import compose_ric
from govtrust.disclosure.redaction import KINDS, compile_rules, redact

RULES = compile_rules(KINDS)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("电话13812345678。", "12345678"),
        ("电话138-1234-5678。", "1234-5678"),
        ("电话138 1234 5678。", "1234 5678"),
        ("电话+8613812345678。", "3812345678"),
        ("电话8613812345678。", "3812345678"),
        ("旧证号620102800101123。", "800101123"),
        ("邮箱 wang.wei@example.com", "wang.wei"),
        ("座机0931-8765432", "8765432"),
        ("卡号6222021234567890。", "02123456"),
        ("卡号6222 0212 3456 7890 123。", "0212 3456"),
        ("住址甘肃省兰州市城关区张掖路123号5栋2单元301室。", "张掖路"),
        ("榆中县和平镇和平村3社45号", "和平村"),
    ],
)
def test_formats_are_masked(text: str, secret: str) -> None:
    assert secret not in redact(text, RULES)


@given(
    birth=st.dates(
        min_value=__import__("datetime").date(1950, 1, 1),
        max_value=__import__("datetime").date(2005, 12, 31),
    ),
    seq=st.integers(min_value=0, max_value=999),
    times=st.integers(min_value=1, max_value=4),
)
def test_every_citizen_id_in_a_text_is_masked(birth: datetime.date, seq: int, times: int) -> None:
    number = compose_ric(f"620102{birth:%Y%m%d}{seq:03d}")
    text = "，".join([f"当事人身份证{number}"] * times + [f"小写{number.lower()}"])
    masked = redact(text, RULES)
    assert number not in masked and number.lower() not in masked
    assert masked.count(f"{number[:6]}********") == times + 1


def test_addresses_keep_the_county_and_above() -> None:
    """GIVEN the address kind
    WHEN a text names an address down to the room, and a court of the same district
    THEN the province, city and district stay readable, the street and number do not, and a
    district office with no house number is left alone."""
    masked = redact("住址甘肃省兰州市城关区张掖路123号5栋2单元301室，城关区人民法院判决", RULES)
    assert masked.startswith("住址甘肃省兰州市城关区*") and "123号" not in masked
    assert masked.endswith("，城关区人民法院判决")


def test_citizen_ids_are_masked_with_no_rules_at_all() -> None:
    """GIVEN no rule kept as data (all switched off or deleted)
    WHEN a text with an 18-digit and a 15-digit ID number is redacted
    THEN both are masked by the built-in rules."""
    number = compose_ric("62010219800101123")
    masked = redact(f"身份证{number}，旧证号620102800101123", [])
    assert number not in masked and f"{number[:6]}********{number[-4:]}" in masked
    assert "620102******123" in masked

"""Every occurrence of personal data in public text is masked, however it is written."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govtrust.core.identifiers import compose_ric
from govtrust.disclosure.redaction import DEFAULT_RULES, compile_rules, redact

RULES = compile_rules([(n, p, h, t) for n, p, h, t, _note in DEFAULT_RULES])


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

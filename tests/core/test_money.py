from decimal import Decimal

from govtrust.core.money import wan_yuan


def test_wan_yuan_has_no_trailing_zeros_or_exponent() -> None:
    assert wan_yuan(Decimal("700.0000")) == "700"
    assert wan_yuan(Decimal("12.5000")) == "12.5"
    assert wan_yuan(Decimal("0.0001")) == "0.0001"
    assert wan_yuan(None) is None

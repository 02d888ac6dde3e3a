"""Amounts in 万元 (ten thousand yuan), as every credit-information format states them."""

from __future__ import annotations

from decimal import Decimal


def wan_yuan(amount: Decimal | None) -> str | None:
    """687, 12.5, 0.0001: without trailing zeros and never in exponent form (Decimal("7E+2"))."""
    return None if amount is None else format(amount.normalize(), "f")

"""The reference's fixed numbers, and its rounding, shared by the analyses."""

from __future__ import annotations

import math

AT_RISK_THRESHOLD = 0.8  # a chain below this compound reliability is at risk
HIGH_DEBT = 10  # debt above this is high


def js_round(value: float, digits: int) -> float:
    """`Math.round(x * 10**k) / 10**k`: half rounds up, as the reference's figures do."""
    scale = 10**digits
    return float(math.floor(value * scale + 0.5) / scale)

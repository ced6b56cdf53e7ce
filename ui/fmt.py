"""How numbers read on screen: million baht with sensible precision, percentages, counts, Thai dates."""
from __future__ import annotations

import math

from .i18n import t

DASH = "—"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def mb(value: float | None, lang: str = "th", unit: bool = True) -> str:
    """Million baht: 4 decimals under 1 (as PADME reports, "0.2330"), 2 under 1,000, else 1."""
    if _missing(value):
        return DASH
    digits = 4 if abs(value) < 1 else 2 if abs(value) < 1000 else 1
    text = f"{value:,.{digits}f}"
    return f"{text} {t('unit_mb', lang)}" if unit else text


def pct(value: float | None, digits: int = 1) -> str:
    return DASH if _missing(value) else f"{value:.{digits}f}%"


def pp(value: float | None, digits: int = 1) -> str:
    return DASH if _missing(value) else f"{value:+.{digits}f} pp"


def count(value: float | int | None) -> str:
    return DASH if _missing(value) else f"{int(value):,}"


def baht_per_household(value: float | None, lang: str = "th") -> str:
    return DASH if _missing(value) else f"{value:,.0f} {t('unit_baht_per_household', lang)}"


def by_unit(value, unit: str, lang: str = "th") -> str:
    """Format by a Kpi unit: pct, pp, count, mb (million baht) or baht_hh (baht per household)."""
    if unit == "baht_hh":
        return baht_per_household(value, lang)
    return {"pct": pct, "pp": pp, "count": count}.get(unit, lambda v: mb(v, lang))(value)

"""SDG scoring in the SDSN dashboard convention, applied to provincial and district indicator values.

Indicator progress: p = (value − lower bound) / (target − lower bound), clipped to 0..1, which works
the same whether higher or lower values are better (the bounds carry the direction).
Indicator rating: p ≥ 1 achieved; ≥ 0.8 challenges remain; ≥ 0.5 significant challenges; below, major.
Goal rating: the mean of the scores of its two worst indicators, rounded down (SDSN rates a goal by its
two worst indicators, so one good indicator cannot hide a bad one).
Trend: the yearly change over the years given, against the yearly change needed to reach the target by
the target year (2573 BE = 2030): ≥ 100 % on track ↑, ≥ 50 % moderately improving ↗,
> −10 % stagnating →, else decreasing ↓.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

RATINGS = ("major", "significant", "challenges", "achieved")  # score 0..3
TREND_ARROWS = {"on_track": "↑", "moderate": "↗", "stagnating": "→", "decreasing": "↓"}
TARGET_YEAR = 2573  # 2030 CE


def _missing(*values) -> bool:
    return any(v is None or pd.isna(v) for v in values)


def progress(value: float, target: float, lower_bound: float) -> float:
    if _missing(value, target, lower_bound) or target == lower_bound:
        return math.nan
    return float(min(1.0, max(0.0, (value - lower_bound) / (target - lower_bound))))


def indicator_score(value: float, target: float, lower_bound: float) -> float:
    p = progress(value, target, lower_bound)
    if math.isnan(p):
        return math.nan
    return 3 if p >= 1.0 else 2 if p >= 0.8 else 1 if p >= 0.5 else 0


def goal_ratings(values: pd.DataFrame) -> pd.DataFrame:
    """`values`: goal, value, target_value, lower_bound (one area, one row per indicator).

    One row per goal that has at least one scored indicator: goal, score (0..3), rating.
    """
    scores = [indicator_score(v, t, lb) for v, t, lb in
              zip(values["value"], values["target_value"], values["lower_bound"])]
    scored = values.assign(score=scores).dropna(subset=["score"])
    out = (scored.groupby("goal")["score"]
           .apply(lambda s: int(np.floor(s.nsmallest(2).mean())))
           .rename("score").reset_index())
    out["rating"] = [RATINGS[s] for s in out["score"]]
    return out


def trend(years: list[int], values: list[float], target: float, lower_bound: float,
          target_year: int = TARGET_YEAR) -> str | None:
    """Trend of one indicator series, or None with fewer than two years of data."""
    pts = [(y, v) for y, v in zip(years, values) if not _missing(v)]
    if len(pts) < 2 or target == lower_bound:
        return None
    (y0, v0), (y1, v1) = pts[0], pts[-1]
    sign = 1 if target > lower_bound else -1
    actual = sign * (v1 - v0) / (y1 - y0)
    if sign * (target - v1) <= 0:
        return "on_track" if actual >= 0 else "moderate"  # at or past the target: holding it or slipping
    if sign * (target - v0) <= 0:
        return "decreasing"  # was at the target, has fallen below it
    needed = sign * (target - v0) / max(1, target_year - y0)
    share = actual / needed
    return ("on_track" if share >= 1 else "moderate" if share >= 0.5 else
            "stagnating" if share > -0.1 else "decreasing")


def goals_on_track(ratings: pd.DataFrame) -> int:
    """Goals rated achieved or challenges remaining: the headline 'on track' count."""
    return int((ratings["score"] >= 2).sum())

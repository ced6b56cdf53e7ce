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


ON_TRACK_SCORE = 2  # "challenges remain" or better
ON_TRACK_RATINGS = RATINGS[ON_TRACK_SCORE:]


def goals_on_track(ratings: pd.DataFrame) -> int:
    """Goals rated achieved or challenges remaining: the headline 'on track' count."""
    return int((ratings["score"] >= ON_TRACK_SCORE).sum())


# --- the SDG page: indicator status, goal trend, benchmarking ------------------------------------
TREND_ORDER = ("decreasing", "stagnating", "moderate", "on_track")  # worst first


def goal_trend(trends) -> str | None:
    """A goal's trend: the worst trend among its indicators (so one improving indicator cannot hide
    a falling one, as the goal rating uses the worst indicators). Indicators without a trend (fewer
    than two years) are left out; None when none has one."""
    known = [x for x in trends if isinstance(x, str) and x in TREND_ORDER]
    return min(known, key=TREND_ORDER.index) if known else None


def indicator_status(series: pd.DataFrame, indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """The state of every indicator of one area in `year`.

    `series`: indicator_code, year, value (one area, any years; rows after `year` are ignored).
    `indicators`: indicator_code, goal, target_value, lower_bound (and any other columns, kept).
    Returns `indicators` with value (NaN when the area has none that year), progress (0..1), score
    (0..3), rating (None when not scored) and trend (over the years up to `year`; None with fewer than
    two years of data).
    """
    upto = series[series["year"] <= year]
    now = upto[upto["year"] == year].set_index("indicator_code")["value"]
    out = indicators.copy().reset_index(drop=True)
    out["value"] = [float(now[c]) if c in now.index else math.nan for c in out["indicator_code"]]
    out["progress"] = [progress(v, tv, lb) for v, tv, lb in zip(out["value"], out["target_value"], out["lower_bound"])]
    out["score"] = [indicator_score(v, tv, lb) for v, tv, lb in zip(out["value"], out["target_value"], out["lower_bound"])]
    out["rating"] = [None if pd.isna(s) else RATINGS[int(s)] for s in out["score"]]
    trends = []
    for code, tv, lb in zip(out["indicator_code"], out["target_value"], out["lower_bound"]):
        rows = upto[upto["indicator_code"] == code].sort_values("year")
        trends.append(trend(rows["year"].tolist(), rows["value"].tolist(), tv, lb))
    out["trend"] = trends
    return out


def goal_index(progresses) -> float:
    """A goal's score out of 100 (the SDSN index convention): the mean progress of its scored
    indicators × 100; NaN when none is scored. Benchmarking ranks on it, because the 0..3 rating
    ties too often to order areas."""
    known = [p for p in progresses if not _missing(p)]
    return 100.0 * float(np.mean(known)) if known else math.nan


def goal_status(status: pd.DataFrame, goals=range(1, 18)) -> pd.DataFrame:
    """One row per goal in `goals` from `indicator_status` rows: goal, score (0..3, NaN without data),
    rating (None without data), index (0..100) and trend (`goal_trend`)."""
    rated = goal_ratings(status).set_index("goal") if status["score"].notna().any() else pd.DataFrame(
        columns=["score", "rating"])
    rows = []
    for goal in goals:
        part = status[status["goal"] == goal]
        rows.append({"goal": goal,
                     "score": float(rated.loc[goal, "score"]) if goal in rated.index else math.nan,
                     "rating": rated.loc[goal, "rating"] if goal in rated.index else None,
                     "index": goal_index(part["progress"]),
                     "trend": goal_trend(part["trend"])})
    return pd.DataFrame(rows)


def area_goal_scores(values: pd.DataFrame) -> pd.DataFrame:
    """Goal scores of many areas in one year.

    `values`: area_code, goal, value, target_value, lower_bound (one row per area × indicator).
    Returns one row per area × goal with a scored indicator: area_code, goal, score, rating, index.
    """
    columns = ["area_code", "goal", "score", "rating", "index"]
    if values.empty:
        return pd.DataFrame(columns=columns)
    # Column-wise, not area by area: a national benchmark scores 77 provinces × 17 goals per rerun.
    value, target, lower = (pd.to_numeric(values[c], errors="coerce").astype(float)
                            for c in ("value", "target_value", "lower_bound"))
    span = (target - lower).where(target != lower)
    p = ((value - lower) / span).clip(0.0, 1.0)
    score = pd.Series(np.select([p >= 1.0, p >= 0.8, p >= 0.5], [3.0, 2.0, 1.0], 0.0), index=p.index).where(p.notna())
    scored = values.assign(progress=p, score=score).dropna(subset=["score"])
    if scored.empty:
        return pd.DataFrame(columns=columns)
    keys = ["area_code", "goal"]
    two_worst = scored.sort_values("score", kind="stable").groupby(keys).head(2)
    out = (np.floor(two_worst.groupby(keys)["score"].mean()).astype(int).rename("score").to_frame()
           .join((scored.groupby(keys)["progress"].mean() * 100.0).rename("index")).reset_index())
    out["rating"] = [RATINGS[s] for s in out["score"]]
    return out.sort_values(keys, ignore_index=True)[columns]


def rank_desc(values: pd.Series) -> pd.Series:
    """Competition ranking, highest first: ties share the best rank (1, 1, 3); NaN stays unranked."""
    return pd.Series(values, dtype="float64").rank(ascending=False, method="min")


def benchmark(scores: pd.DataFrame, area_code: str, peer_groups: dict[str, list[str]]) -> pd.DataFrame:
    """Where one area stands among its peers on each goal.

    `scores`: `area_goal_scores` of the widest peer group (it must contain the area itself).
    `peer_groups`: name -> area codes (e.g. {"region": [...], "country": [...]}).
    One row per goal that any peer has a score for: goal, index, score, rating of the area, and per
    group rank_<name> (by index, ties share a rank; NaN when the area has no score for the goal) and
    n_<name> (peers with a score for the goal).
    """
    goals = sorted(scores["goal"].unique()) if len(scores) else []
    rows = []
    for goal in goals:
        of_goal = scores[scores["goal"] == goal].set_index("area_code")
        own = of_goal.loc[area_code] if area_code in of_goal.index else None
        row = {"goal": int(goal),
               "index": math.nan if own is None else float(own["index"]),
               "score": math.nan if own is None else float(own["score"]),
               "rating": None if own is None else own["rating"]}
        for name, codes in peer_groups.items():
            peers = of_goal.loc[of_goal.index.isin(codes), "index"].dropna()
            ranks = rank_desc(peers)
            row[f"rank_{name}"] = float(ranks[area_code]) if area_code in ranks.index else math.nan
            row[f"n_{name}"] = int(len(peers))
        rows.append(row)
    columns = ["goal", "index", "score", "rating"] + [f"{p}_{n}" for n in peer_groups for p in ("rank", "n")]
    return pd.DataFrame(rows, columns=columns)


def rating_counts(ratings: pd.DataFrame, areas: list[str] | None = None) -> pd.DataFrame:
    """Goals per rating for each area, ranked by goals on track (achieved + challenges remain).

    `ratings`: area_code, goal, score (and rating). Returns one row per area: area_code, n_achieved,
    n_challenges, n_significant, n_major, n_on_track, n_rated and rank (by n_on_track, highest first;
    ties share the best rank). Areas in `areas` without any rating get NaN counts and no rank (no
    data, not zero goals). Sorted by rank, then goals achieved, then area code.
    """
    codes = list(dict.fromkeys(list(areas or []) + sorted(ratings["area_code"].unique().tolist()
                                                           if len(ratings) else [])))
    rows = []
    for code in codes:
        mine = ratings[ratings["area_code"] == code]
        if mine.empty:
            rows.append({"area_code": code, **{f"n_{r}": math.nan for r in reversed(RATINGS)},
                         "n_on_track": math.nan, "n_rated": math.nan})
            continue
        counts = {f"n_{r}": int((mine["score"] == RATINGS.index(r)).sum()) for r in reversed(RATINGS)}
        rows.append({"area_code": code, **counts, "n_on_track": goals_on_track(mine), "n_rated": len(mine)})
    out = pd.DataFrame(rows, columns=["area_code", *(f"n_{r}" for r in reversed(RATINGS)), "n_on_track", "n_rated"])
    out["rank"] = rank_desc(out["n_on_track"])
    return (out.sort_values(["rank", "n_achieved", "area_code"], ascending=[True, False, True], na_position="last")
            .reset_index(drop=True))

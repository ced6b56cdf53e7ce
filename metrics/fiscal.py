"""The Thai fiscal calendar: years run 1 Oct – 30 Sep and are named by the Buddhist Era year they end in.

FY2570 = 1 Oct 2026 – 30 Sep 2027; Q1 = Oct–Dec, Q2 = Jan–Mar, Q3 = Apr–Jun, Q4 = Jul–Sep.
Everything that the app stores or shows as a year is a Buddhist Era (BE) year; CE only appears in dates.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

BE_OFFSET = 543

THAI_MONTHS_ABBR = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
EN_MONTHS_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def to_be(year_ce: int) -> int:
    return year_ce + BE_OFFSET


def to_ce(year_be: int) -> int:
    return year_be - BE_OFFSET


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    """One quarter of one fiscal year; `year` is the BE fiscal year."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1–4, got {self.quarter!r}")

    @property
    def start(self) -> dt.date:
        ce = to_ce(self.year)
        month = (10, 1, 4, 7)[self.quarter - 1]
        return dt.date(ce - 1 if self.quarter == 1 else ce, month, 1)

    @property
    def end(self) -> dt.date:
        nxt = self.next()
        return nxt.start - dt.timedelta(days=1)

    def next(self) -> "FiscalQuarter":
        return FiscalQuarter(self.year + 1, 1) if self.quarter == 4 else FiscalQuarter(self.year, self.quarter + 1)

    def previous(self) -> "FiscalQuarter":
        return FiscalQuarter(self.year - 1, 4) if self.quarter == 1 else FiscalQuarter(self.year, self.quarter - 1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def label(self, lang: str = "th") -> str:
        """"ไตรมาส 1/2570" in Thai, "Q1 FY2570" in English."""
        return f"ไตรมาส {self.quarter}/{self.year}" if lang == "th" else f"Q{self.quarter} FY{self.year}"


def comparison_period(fq: FiscalQuarter) -> FiscalQuarter:
    """The quarter a KPI's change is measured against: the same quarter of the fiscal year before.

    The war room's figures are cumulative over the fiscal year (disbursed so far of the year's budget,
    households helped so far of the year's target) and restart every October, so the only like-for-
    like comparison is the same point of last year's year: Q2 against last year's Q2, never against
    this year's Q1 (which would show every province improving) nor Q1 against last year's Q4 (which
    would show every province collapsing).
    """
    return FiscalQuarter(fq.year - 1, fq.quarter)


@dataclass(frozen=True)
class Comparison:
    """What a quarter's figures are compared with: `base`, cut at `base_through` when the quarter
    is still running (its data runs to `through`), or whole when both quarters are complete."""

    period: FiscalQuarter
    base: FiscalQuarter
    through: dt.date | None = None       # the running quarter's data ends on this day; None: complete
    base_through: dt.date | None = None  # the same day of `base`; None: the whole of `base`

    @property
    def to_date(self) -> bool:
        return self.base_through is not None


def comparison(period: FiscalQuarter, data_through: dt.date | None) -> Comparison:
    """The like-for-like rule for every change the war room shows (cards, maps, rankings, the wall,
    briefs): a quarter is compared with the same quarter of the year before (comparison_period); a
    quarter still running on `data_through` (the source's newest data) with that quarter to the same
    date a year before: Q1 2570 to 6 Dec 2026 against Q1 2569 to 6 Dec 2025 (a 29 February against
    the 28th)."""
    base = comparison_period(period)
    if data_through is None or not period.start <= data_through < period.end:
        return Comparison(period, base)
    day = 28 if (data_through.month, data_through.day) == (2, 29) else data_through.day
    return Comparison(period, base, data_through, data_through.replace(year=data_through.year - 1, day=day))


def fiscal_quarter_of(day: dt.date) -> FiscalQuarter:
    year_be = to_be(day.year + 1 if day.month >= 10 else day.year)
    quarter = ((day.month - 10) % 12) // 3 + 1
    return FiscalQuarter(year_be, quarter)


def fiscal_year_bounds(year_be: int) -> tuple[dt.date, dt.date]:
    return FiscalQuarter(year_be, 1).start, FiscalQuarter(year_be, 4).end


def elapsed_share(fq: FiscalQuarter, as_of: dt.date) -> float:
    """How much of the quarter has passed on `as_of` (0 before it starts, 1 after it ends)."""
    if as_of < fq.start:
        return 0.0
    if as_of >= fq.end:
        return 1.0
    return ((as_of - fq.start).days + 1) / ((fq.end - fq.start).days + 1)


def thai_date(day: dt.date, lang: str = "th") -> str:
    """"20 พ.ย. 2569" in Thai (BE year), "20 Nov 2026" in English."""
    if lang == "th":
        return f"{day.day} {THAI_MONTHS_ABBR[day.month - 1]} {to_be(day.year)}"
    return f"{day.day} {EN_MONTHS_ABBR[day.month - 1]} {day.year}"


BANGKOK = dt.timezone(dt.timedelta(hours=7), "ICT")


def thai_time(utc: dt.datetime, lang: str = "th") -> str:
    """A stored UTC moment as Thailand reads it: "21 พ.ย. 2569 09:42" (BE) or "21 Nov 2026 09:42"."""
    local = utc.replace(tzinfo=dt.timezone.utc).astimezone(BANGKOK)
    return f"{thai_date(local.date(), lang)} {local:%H:%M}"


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week `day` falls in: the weekly review's unit."""
    return day - dt.timedelta(days=day.weekday())


def bangkok_today(now_utc: dt.datetime) -> dt.date:
    """The date in Thailand at a UTC moment (naive moments are UTC); the clock is data_access.clock."""
    now = now_utc if now_utc.tzinfo else now_utc.replace(tzinfo=dt.timezone.utc)
    return now.astimezone(BANGKOK).date()

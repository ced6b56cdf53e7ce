"""The weekly brief as plain data, the one thing the PDF and PowerPoint writers read.

Why: the page formats every figure once (ui.fmt, in the viewer's language) and hands the same strings
to the documents, so the minutes can never show a number the meeting did not see on screen. The
writers know nothing of Streamlit, SQL or translations: every heading arrives already in the
viewer's language.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Headline:
    """One reviewed KPI for the area in view: today, the week compared with, and the change."""
    label: str
    now: str
    then: str
    change: str              # signed in its unit (ui.fmt.delta), e.g. "+3.1 pp", or "no data"
    note: str = ""           # the meeting's note of this week, "" when none


@dataclass(frozen=True)
class Mover:
    name: str                # area name in the viewer's language
    now: str                 # formatted as on the page
    change: float            # in the KPI's unit (points for percentages): the movers chart's bar
    shown: str = ""          # the change as the page shows it (ui.fmt.delta, "+3.1 pp"); "" = "+3.1"

    @property
    def change_text(self) -> str:
        return self.shown or f"{self.change:+.1f}"


@dataclass(frozen=True)
class KpiMovers:
    """Biggest movers up and down among the areas one level down, and the red turns."""
    label: str
    up: list[Mover]
    down: list[Mover]
    became_red: list[str]
    left_red: list[str]


@dataclass(frozen=True)
class MapLayer:
    """A choropleth of one KPI over the areas one level down (drawn as an image)."""
    geojson: Path            # static/geo/provinces.geojson or static/geo/districts/<prov>.geojson
    key: str                 # feature property holding the area code: "prov_code" or "dist_code"
    values: dict[str, float] # area code -> KPI value; areas absent are drawn grey
    title: str               # e.g. "การเบิกจ่าย PADME (%) · ไตรมาส 1/2570"
    higher_is_better: bool = True


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Brief:
    """Everything one weekly brief shows, in the viewer's language."""
    title: str               # "สรุปประจำสัปดาห์ · นครราชสีมา"
    subtitle: str            # period and the week compared with, e.g. "ไตรมาส 1/2570 · เทียบกับ 10 พ.ย. 2569"
    generated: str           # when and by whom, Thai time, e.g. "จัดทำ 21 พ.ย. 2569 10:05 · ผู้ดูแลระบบ"
    headings: dict[str, str] # section titles: "headlines", "map", "movers_up", "movers_down",
                             # "became_red", "left_red", "late", "notes", "now", "then", "change", "none",
                             # and optionally "more" ("and {n} more") and "reporting" (who has not
                             # reported: the quarter judged and its due date)
    headlines: list[Headline]
    movers: list[KpiMovers] = field(default_factory=list)
    late: Table | None = None
    reporting: Table | None = None  # areas with a report missing, then late: name, missing, late, on time
    map: MapLayer | None = None
    footnote: str = ""       # e.g. the demo-data notice and the sources' attribution

    def heading(self, key: str) -> str:
        return self.headings.get(key, key)  # a missing heading shows its key rather than failing the download

    def more(self, n: int) -> str:
        """The "and N more" line: the optional heading "more" with "{n}", else a language-free "… +N"."""
        return self.headings.get("more", "… +{n}").replace("{n}", str(n))

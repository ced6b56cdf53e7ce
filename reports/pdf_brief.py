"""The weekly brief as an A4 landscape PDF for the meeting minutes.

Why fpdf2 with text shaping: without HarfBuzz a PDF writer places each Thai mark at its default spot,
so tone marks collide with upper vowels (ที่, ปั้น); with `set_text_shaping` the marks sit where the
font's tables put them. Sarabun is embedded (subset), so the PDF reads the same on machines without
a Thai font. Tables are fpdf2's own: long rows wrap and a table that runs off a page continues on the
next with its heading repeated.
"""
from __future__ import annotations

import io

from fpdf import FPDF, FontFace

from . import charts, fonts
from .brief import Brief, Headline, KpiMovers, Table

GREY = (71, 85, 105)
HEAD_FILL = (226, 232, 240)
LATE_ROWS = 200            # a longer list is counted, not printed
MOVERS_CHART_WIDTH = 150   # mm; the movers table takes the rest of the line
LINE = 7                   # mm per line of body text


class _Document(FPDF):
    def __init__(self, running_title: str):
        super().__init__(orientation="landscape", format="A4")
        self.running_title = running_title
        self.add_font(fonts.FAMILY, "", fonts.REGULAR)
        self.add_font(fonts.FAMILY, "B", fonts.BOLD)
        self.set_text_shaping(True)
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(True, margin=15)
        self.set_title(running_title)
        self.set_creator("War Room")

    def footer(self) -> None:
        self.set_font(fonts.FAMILY, "", 8)
        self.set_text_color(*GREY)
        room, title = self.epw - 15, self.running_title
        while self.get_string_width(title) > room:     # a long title stops short of the page number
            title = title[:-1]
        self.set_xy(self.l_margin, -11)
        self.cell(room, 5, title)
        self.set_xy(self.l_margin, -11)
        self.cell(0, 5, str(self.page_no()), align="R")

    def text_block(self, text: str, size: float, bold: bool = False, colour=(0, 0, 0), after: float = 1.5) -> None:
        self.set_font(fonts.FAMILY, "B" if bold else "", size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(after)

    def section(self, title: str) -> None:
        if self.y > self.h - self.b_margin - 25:   # no heading alone at the foot of a page
            self.add_page()
        self.text_block(title, 16, bold=True, after=2)

    def table_of(self, columns: list[str], rows: list[list[str]], widths: tuple[float, ...], align: tuple[str, ...],
                 width: float | None = None, table_align: str = "LEFT", group_rows: frozenset[int] = frozenset()) -> None:
        """A bordered table; `group_rows` (indexes into `rows`) are one bold cell across, heading a group."""
        self.set_font(fonts.FAMILY, "", 11)
        self.set_text_color(0, 0, 0)
        with self.table(col_widths=widths, text_align=align, width=width, align=table_align, line_height=6,
                        headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL), padding=1.2) as table:
            table.row(columns)
            for i, values in enumerate(rows):
                if i in group_rows:
                    table.row().cell(values[0], colspan=len(columns), style=FontFace(emphasis="BOLD"))
                else:
                    table.row((list(values) + [""] * len(columns))[:len(columns)])
        self.ln(3)

    def picture(self, png: bytes, x: float, y: float, max_width: float, max_height: float, alt: str) -> float:
        """Draw the picture as large as fits the box, centred across it; return its height."""
        pixels_wide, pixels_high = charts.png_size(png)
        scale = min(max_width / pixels_wide, max_height / pixels_high)
        width, height = pixels_wide * scale, pixels_high * scale
        self.image(io.BytesIO(png), x + (max_width - width) / 2, y, width, height, alt_text=alt)
        return height


def _title_block(pdf: _Document, brief: Brief) -> None:
    pdf.text_block(brief.title, 24, bold=True, after=2)
    pdf.text_block(brief.subtitle, 14)
    pdf.text_block(brief.generated, 11, colour=GREY)
    if brief.footnote:
        pdf.text_block(brief.footnote, 9, colour=GREY)
    pdf.ln(4)


def _headlines(pdf: _Document, brief: Brief, headlines: list[Headline]) -> None:
    pdf.section(brief.heading("headlines"))
    if not headlines:
        pdf.text_block(brief.heading("none"), 12)
        return
    pdf.table_of(["", brief.heading("now"), brief.heading("then"), brief.heading("change")],
                 [[h.label, h.now, h.then, h.change] for h in headlines], (5, 2, 2, 1.5),
                 ("LEFT", "RIGHT", "RIGHT", "RIGHT"))


def _map(pdf: _Document, brief: Brief) -> None:
    pdf.add_page()
    pdf.section(brief.heading("map"))
    pdf.picture(charts.map_png(brief.map), pdf.l_margin, pdf.y, pdf.epw, pdf.h - pdf.y - 16, brief.map.title)


def _movers(pdf: _Document, brief: Brief, movers: KpiMovers) -> None:
    pdf.add_page()
    pdf.section(movers.label)
    if movers.up or movers.down:
        top, page = pdf.y, pdf.page
        alt = "; ".join(f"{m.name} {m.change_text}" for m in [*movers.up, *movers.down])
        height = pdf.picture(charts.movers_png(movers), pdf.l_margin, top, MOVERS_CHART_WIDTH, 125, alt)
        rows = ([[brief.heading("movers_up")]] + [[m.name, m.now, m.change_text] for m in movers.up]
                + [[brief.heading("movers_down")]] + [[m.name, m.now, m.change_text] for m in movers.down])
        pdf.set_y(top)
        pdf.table_of(["", brief.heading("now"), brief.heading("change")], rows, (2.6, 1.3, 1.3),
                     ("LEFT", "RIGHT", "RIGHT"), width=pdf.epw - MOVERS_CHART_WIDTH - 6, table_align="RIGHT",
                     group_rows=frozenset({0, len(movers.up) + 1}))
        if pdf.page == page:
            pdf.set_y(max(pdf.y, top + height + 4))
    else:
        pdf.text_block(brief.heading("none"), 12)
    pdf.text_block(f"{brief.heading('became_red')}: {', '.join(movers.became_red) or '—'}", 12)
    pdf.text_block(f"{brief.heading('left_red')}: {', '.join(movers.left_red) or '—'}", 12)


def _late(pdf: _Document, brief: Brief, late: Table) -> None:
    pdf.add_page()
    pdf.section(brief.heading("late"))
    if not late.rows or not late.columns:
        pdf.text_block(brief.heading("none"), 12)
        return
    shown = late.rows[:LATE_ROWS]
    pdf.table_of(late.columns, shown, tuple([1] * len(late.columns)), tuple(["LEFT"] * len(late.columns)))
    if len(late.rows) > len(shown):
        pdf.text_block(brief.more(len(late.rows) - len(shown)), 11, colour=GREY)


def _reporting(pdf: _Document, brief: Brief, reporting: Table) -> None:
    """Who has not reported, then who reported late."""
    pdf.add_page()
    pdf.section(brief.heading("reporting"))
    if not reporting.rows:
        pdf.text_block(brief.heading("none"), 12)
        return
    shown = reporting.rows[:LATE_ROWS]
    pdf.table_of(reporting.columns, shown, (4, 1.5, 1.5, 1.5), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))
    if len(reporting.rows) > len(shown):
        pdf.text_block(brief.more(len(reporting.rows) - len(shown)), 11, colour=GREY)


def _notes(pdf: _Document, brief: Brief) -> None:
    pdf.ln(4)
    pdf.section(brief.heading("notes"))
    noted = [h for h in brief.headlines if h.note]
    if not noted:
        pdf.text_block(brief.heading("none"), 12)
    for h in noted:
        pdf.text_block(h.label, 12, bold=True, after=0.5)
        pdf.text_block(h.note, 12, after=3)


def build(brief: Brief) -> bytes:
    pdf = _Document(brief.title)
    pdf.add_page()
    _title_block(pdf, brief)
    _headlines(pdf, brief, brief.headlines)
    if brief.map is not None:
        _map(pdf, brief)
    for movers in brief.movers:
        _movers(pdf, brief, movers)
    if brief.reporting is not None:
        _reporting(pdf, brief, brief.reporting)
    if brief.late is not None:
        _late(pdf, brief, brief.late)
    _notes(pdf, brief)
    return bytes(pdf.output())

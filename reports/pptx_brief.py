"""The weekly brief as a 16:9 PowerPoint deck for the meeting minutes.

Why native tables and text rather than pictures of them: staff edit the deck after the meeting, and
the viewer shapes Thai text itself. Every run names Sarabun as its Latin, East Asian and complex-script
font (PowerPoint takes Thai from the complex-script slot); where Sarabun is not installed the viewer
falls back to its own Thai font. Slide titles sit in real title placeholders, so the outline and
screen readers see them.
"""
from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Inches, Pt

from . import charts
from .brief import Brief, KpiMovers, Table
from .fonts import FAMILY

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)     # PowerPoint's own 16:9, 13.33 × 7.5 in
MARGIN = Inches(0.5)
BODY_TOP = Inches(1.35)
BODY_WIDTH = WIDTH - 2 * MARGIN
GREY = RGBColor(0x47, 0x55, 0x69)
LATE_ROWS = 15            # more would run off the slide; the rest are counted
TITLE_SLIDE, TITLE_ONLY = 0, 5


def _font(run, size: float, bold: bool = False, colour: RGBColor | None = None) -> None:
    run.font.name = FAMILY
    run.font.size = Pt(size)
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    rpr = run._r.get_or_add_rPr()
    latin = rpr.find(qn("a:latin"))
    for tag in ("a:cs", "a:ea"):          # each added right after a:latin, so the order is latin, ea, cs
        element = rpr.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            latin.addnext(element)
        element.set("typeface", FAMILY)


def _write(frame, lines: list[tuple[str, float, bool]], colour: RGBColor | None = None, align=None) -> None:
    """Write `lines` (text, size, bold) into an empty frame; a line break inside a text starts a new
    paragraph, since a run cannot hold one."""
    frame.word_wrap = True
    first = True
    for text, size, bold in lines:
        for part in text.splitlines() or [""]:
            paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
            first = False
            paragraph.alignment = align
            run = paragraph.add_run()
            run.text = part
            _font(run, size, bold, colour)


def _textbox(slide, left, top, width, height, lines, colour=None, shrink: bool = False):
    box = slide.shapes.add_textbox(left, top, width, height)
    _write(box.text_frame, lines, colour)
    if shrink:
        box.text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    return box


def _slide(deck, title: str):
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    placeholder = slide.shapes.title
    placeholder.left, placeholder.top, placeholder.width, placeholder.height = MARGIN, Inches(0.3), BODY_WIDTH, Inches(0.9)
    _write(placeholder.text_frame, [(title, 28, True)])
    return slide


def _table(slide, columns: list[str], rows: list[list[str]], left, top, width, widths: list[float], size: float,
           bold_rows: frozenset[int] = frozenset({0}), figures: bool = True):
    """A native table; `widths` are shares of `width`, row 0 is `columns`. With `figures`, the columns
    after the first hold numbers and are right-aligned."""
    row_height = Pt(size * 2.1)
    shape = slide.shapes.add_table(len(rows) + 1, len(columns), left, top, width, row_height * (len(rows) + 1))
    table = shape.table
    total = sum(widths)
    for i, share in enumerate(widths):
        table.columns[i].width = Emu(int(width * share / total))
    for r, values in enumerate([columns, *rows]):
        table.rows[r].height = row_height
        for c, value in enumerate(values[:len(columns)]):
            align = PP_ALIGN.RIGHT if figures and c > 0 else None
            _write(table.cell(r, c).text_frame, [(value, size, r in bold_rows)], align=align)
    return table


def _picture(slide, png: bytes, left, top, max_width, max_height, alt: str) -> None:
    """The picture as large as fits the box, centred across it, with alt text for screen readers."""
    pixels_wide, pixels_high = charts.png_size(png)
    scale = min(max_width / pixels_wide, max_height / pixels_high)
    width, height = int(pixels_wide * scale), int(pixels_high * scale)
    picture = slide.shapes.add_picture(io.BytesIO(png), left + (max_width - width) // 2, top, width, height)
    picture._element.nvPicPr.cNvPr.set("descr", alt)


def _title_slide(deck, brief: Brief) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_SLIDE])
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    title.left, title.top, title.width, title.height = MARGIN, Inches(1.9), BODY_WIDTH, Inches(1.6)
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = MARGIN, Inches(3.6), BODY_WIDTH, Inches(1.6)
    _write(title.text_frame, [(brief.title, 40, True)])
    _write(subtitle.text_frame, [(brief.subtitle, 22, False), (brief.generated, 16, False)])
    if brief.footnote:
        _textbox(slide, MARGIN, Inches(6.2), BODY_WIDTH, Inches(1.0), [(brief.footnote, 11, False)], GREY, shrink=True)


def _headlines_slide(deck, brief: Brief) -> None:
    slide = _slide(deck, brief.heading("headlines"))
    if not brief.headlines:
        _textbox(slide, MARGIN, BODY_TOP, BODY_WIDTH, Inches(1), [(brief.heading("none"), 18, False)])
        return
    rows = [[h.label, h.now, h.then, h.change] for h in brief.headlines]
    size = 16 if len(rows) <= 9 else 12
    _table(slide, ["", brief.heading("now"), brief.heading("then"), brief.heading("change")], rows,
           MARGIN, BODY_TOP, BODY_WIDTH, [5, 2, 2, 1.5], size)
    noted = [h for h in brief.headlines if h.note]
    if noted:   # the presenter sees each KPI's note beside this slide; the notes slide shows them to all
        _write(slide.notes_slide.notes_text_frame, [(f"{h.label}: {h.note}", 12, False) for h in noted])


def _map_slide(deck, brief: Brief) -> None:
    slide = _slide(deck, brief.heading("map"))
    _picture(slide, charts.map_png(brief.map), MARGIN, BODY_TOP, BODY_WIDTH, HEIGHT - BODY_TOP - Inches(0.3),
             brief.map.title)


def _movers_slide(deck, brief: Brief, movers: KpiMovers) -> None:
    slide = _slide(deck, movers.label)
    chart_width, red_top = Inches(7.6), Inches(6.0)
    if movers.up or movers.down:
        alt = "; ".join(f"{m.name} {m.change_text}" for m in [*movers.up, *movers.down])
        _picture(slide, charts.movers_png(movers), MARGIN, BODY_TOP, chart_width, Inches(4.5), alt)
        rows = ([[brief.heading("movers_up")]] + [[m.name, m.now, m.change_text] for m in movers.up]
                + [[brief.heading("movers_down")]] + [[m.name, m.now, m.change_text] for m in movers.down])
        groups = (1, len(movers.up) + 2)    # the "up" and "down" rows, one bold cell across
        table = _table(slide, ["", brief.heading("now"), brief.heading("change")], rows,
                       MARGIN + chart_width + Inches(0.2), BODY_TOP, BODY_WIDTH - chart_width - Inches(0.2),
                       [2.6, 1.3, 1.3], 12, bold_rows=frozenset({0, *groups}))
        for r in groups:
            table.cell(r, 0).merge(table.cell(r, 2))
    else:
        _textbox(slide, MARGIN, BODY_TOP, BODY_WIDTH, Inches(0.7), [(brief.heading("none"), 18, False)])
        red_top = BODY_TOP + Inches(0.8)
    lines = [(f"{brief.heading('became_red')}: {', '.join(movers.became_red) or '—'}", 14, False),
             (f"{brief.heading('left_red')}: {', '.join(movers.left_red) or '—'}", 14, False)]
    _textbox(slide, MARGIN, red_top, BODY_WIDTH, Inches(1.2), lines, shrink=True)


def _late_slide(deck, brief: Brief, late: Table) -> None:
    slide = _slide(deck, brief.heading("late"))
    if not late.rows or not late.columns:
        _textbox(slide, MARGIN, BODY_TOP, BODY_WIDTH, Inches(1), [(brief.heading("none"), 18, False)])
        return
    shown = late.rows[:LATE_ROWS]
    _table(slide, late.columns, shown, MARGIN, BODY_TOP, BODY_WIDTH, [1] * len(late.columns), 11, figures=False)
    if len(late.rows) > len(shown):
        more = brief.more(len(late.rows) - len(shown))
        _textbox(slide, MARGIN, Inches(6.85), BODY_WIDTH, Inches(0.45), [(more, 12, False)], GREY)


def _reporting_slide(deck, brief: Brief, reporting: Table) -> None:
    """Who has not reported, then who reported late (the figures right-aligned)."""
    slide = _slide(deck, brief.heading("reporting"))
    if not reporting.rows:
        _textbox(slide, MARGIN, BODY_TOP, BODY_WIDTH, Inches(1), [(brief.heading("none"), 18, False)])
        return
    shown = reporting.rows[:LATE_ROWS]
    _table(slide, reporting.columns, shown, MARGIN, BODY_TOP, BODY_WIDTH, [4, 1.5, 1.5, 1.5], 12)
    if len(reporting.rows) > len(shown):
        more = brief.more(len(reporting.rows) - len(shown))
        _textbox(slide, MARGIN, Inches(6.85), BODY_WIDTH, Inches(0.45), [(more, 12, False)], GREY)


def _notes_slide(deck, brief: Brief) -> None:
    slide = _slide(deck, brief.heading("notes"))
    noted = [h for h in brief.headlines if h.note]
    frame = _textbox(slide, MARGIN, BODY_TOP, BODY_WIDTH, HEIGHT - BODY_TOP - Inches(0.4), [], shrink=True).text_frame
    if not noted:
        _write(frame, [(brief.heading("none"), 18, False)])
        return
    size = 18 if sum(len(h.label) + len(h.note) for h in noted) < 700 else 13
    for i, h in enumerate(noted):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(8)
        label = paragraph.add_run()
        label.text = f"{h.label}: "
        _font(label, size, bold=True)
        for j, part in enumerate(h.note.splitlines() or [""]):
            if j:
                paragraph = frame.add_paragraph()
            run = paragraph.add_run()
            run.text = part
            _font(run, size)


def build(brief: Brief) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = brief.title
    _title_slide(deck, brief)
    _headlines_slide(deck, brief)
    if brief.map is not None:
        _map_slide(deck, brief)
    for movers in brief.movers:
        _movers_slide(deck, brief, movers)
    if brief.reporting is not None:
        _reporting_slide(deck, brief, brief.reporting)
    if brief.late is not None:
        _late_slide(deck, brief, brief.late)
    _notes_slide(deck, brief)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()

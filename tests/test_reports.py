"""The weekly brief as PowerPoint and PDF: every figure and Thai name the page hands over is in the
documents as text, in Sarabun, and the pictures are real images of the data."""
from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from matplotlib import colormaps
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pypdf import PdfReader

from reports import charts, pdf_brief, pptx_brief
from reports.brief import Brief, Headline, KpiMovers, MapLayer, Mover, Table

KORAT = Path(__file__).resolve().parent.parent / "static" / "geo" / "districts" / "30.geojson"

TH = {"headlines": "ตัวชี้วัดหลัก", "map": "แผนที่", "movers_up": "ดีขึ้นมากที่สุด", "movers_down": "แย่ลงมากที่สุด",
      "became_red": "เข้าสู่เขตแดง", "left_red": "พ้นเขตแดง", "late": "โครงการล่าช้าใหม่", "notes": "บันทึกการประชุม",
      "now": "ขณะนี้", "then": "สัปดาห์ก่อน", "change": "เปลี่ยนแปลง", "none": "ไม่มี"}
EN = {"headlines": "Headline KPIs", "map": "Map", "movers_up": "Most improved", "movers_down": "Most worsened",
      "became_red": "Became red", "left_red": "Left red", "late": "New late projects", "notes": "Notes",
      "now": "Now", "then": "Week before", "change": "Change", "none": "None"}

MAP_VALUES = {"3001": 45.2, "3021": 30.1, "3002": 60.0, "3014": 52.3, "3005": 12.0}


def thai_brief(**changes) -> Brief:
    padme = KpiMovers("การเบิกจ่าย PADME (%)",
                      up=[Mover("ปากช่อง", "45.2%", 3.1), Mover("เมืองนครราชสีมา", "60.0%", 2.4)],
                      down=[Mover("พิมาย", "12.0%", -4.2), Mover("ด่านขุนทด", "22.0%", -1.5)],
                      became_red=["พิมาย"], left_red=["สีคิ้ว"])
    late_rate = KpiMovers("โครงการล่าช้า (%)",  # lower is better: the gain is a fall
                          up=[Mover("สูงเนิน", "8.0%", -2.5)], down=[Mover("โนนสูง", "19.5%", 1.8)],
                          became_red=[], left_red=[])
    fields = dict(
        title="สรุปประจำสัปดาห์ · นครราชสีมา",
        subtitle="ไตรมาส 1/2570 · เทียบกับ 10 พ.ย. 2569", generated="จัดทำ 21 พ.ย. 2569 10:05 · ผู้ดูแลระบบ",
        headings=TH,
        headlines=[Headline("การเบิกจ่าย PADME (%)", "45.2%", "42.1%", "+3.1", "=ติดตามอำเภอพิมาย ที่นี่ น้ำท่วม"),
                   Headline("งบประมาณที่เบิกจ่ายแล้ว", "1,234.56 ล้านบาท", "1,100.00 ล้านบาท", "+134.6"),
                   Headline("ครัวเรือนที่ได้รับความช่วยเหลือ (%)", "61.0%", "—", "—", "ข้อมูลยังไม่ครบ\nติดตามสัปดาห์หน้า")],
        movers=[padme, late_rate],
        late=Table(["รหัสโครงการ", "อำเภอ", "สถานะ"], [[f"P-{i:04d}", "ปากช่อง", "ล่าช้า"] for i in range(27)]),
        map=MapLayer(KORAT, "dist_code", MAP_VALUES, "การเบิกจ่าย PADME (%) · ไตรมาส 1/2570"),
        footnote="ข้อมูลสาธิต · ขอบเขตการปกครอง © OpenStreetMap")
    return Brief(**{**fields, **changes})


def english_brief() -> Brief:
    return Brief(title="Weekly brief · Nakhon Ratchasima",
                 subtitle="Q1 2027 · vs 10 Nov 2026", generated="Made 21 Nov 2026 10:05 · Administrator",
                 headings=EN,
                 headlines=[Headline("PADME disbursed (%)", "45.2%", "42.1%", "+3.1", "Chase Phimai")],
                 movers=[KpiMovers("PADME disbursed (%)", [Mover("Pak Chong", "45.2%", 3.1)],
                                   [Mover("Phimai", "12.0%", -4.2)], ["Phimai"], [])],
                 late=Table(["Project", "District", "Status"], [["P-0001", "Pak Chong", "Late"]]),
                 map=MapLayer(KORAT, "dist_code", MAP_VALUES, "PADME disbursed (%) · Q1 2027"))


def empty_brief(**changes) -> Brief:
    return thai_brief(headlines=[], movers=[], late=None, map=None, footnote="", **changes)


@pytest.fixture(scope="module")
def thai_pptx() -> Presentation:
    return Presentation(io.BytesIO(pptx_brief.build(thai_brief())))


@pytest.fixture(scope="module")
def thai_pdf() -> PdfReader:
    return PdfReader(io.BytesIO(pdf_brief.build(thai_brief())))


def figures(brief: Brief) -> list[str]:
    """What the meeting saw on screen and must find in the minutes."""
    movers = [m for k in brief.movers for m in [*k.up, *k.down]]
    return [brief.title, brief.subtitle, *[v for h in brief.headlines for v in (h.label, h.now, h.then, h.change)],
            *[m.name for m in movers], *[m.now for m in movers], *[n for k in brief.movers for n in k.became_red + k.left_red],
            *[line for h in brief.headlines for line in h.note.splitlines()]]


def slide_texts(deck: Presentation) -> list[str]:
    """Each slide's text: text boxes, placeholders and table cells, plus the presenter's notes."""
    out = []
    for slide in deck.slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
        out.append("\n".join(parts))
    return out


def squashed(text: str) -> str:
    """Text without whitespace, so a line break or a stray space never hides a match."""
    return "".join(c for c in text if not c.isspace())


def pdf_text(reader: PdfReader) -> str:
    """The PDF's text as pypdf reads it, with two artefacts of fpdf2's shaped Thai removed: HarfBuzz
    draws SARA AM (ำ) as two glyphs and fpdf2 gives the second no ToUnicode entry, so a reader prints
    its raw code (a control or ASCII character) right after the ำ; and pypdf puts a space after some
    stacked marks ("ปั้ น"). Neither is a character the page shows."""
    raw = "".join(page.extract_text() for page in reader.pages)
    return squashed(re.sub(r"ำ[^\u0e00-\u0e7f\s]", "ำ", raw))


def pixels(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def has_colour(image: Image.Image, rgb: tuple[int, int, int], tolerance: int = 3) -> bool:
    return any(all(abs(a - b) <= tolerance for a, b in zip(rgb, pixel)) for _, pixel in image.getcolors(1 << 24))


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


# PowerPoint

def test_pptx_is_wide_and_holds_every_figure_and_name(thai_pptx):
    assert (thai_pptx.slide_width, thai_pptx.slide_height) == (12192000, 6858000)
    text = "\n".join(slide_texts(thai_pptx))
    for expected in figures(thai_brief()):
        assert expected in text, expected


def test_pptx_slides_come_in_the_briefs_order(thai_pptx):
    titles = [slide.shapes.title.text_frame.text for slide in thai_pptx.slides]
    assert titles == ["สรุปประจำสัปดาห์ · นครราชสีมา", "ตัวชี้วัดหลัก", "แผนที่", "การเบิกจ่าย PADME (%)",
                      "โครงการล่าช้า (%)", "โครงการล่าช้าใหม่", "บันทึกการประชุม"]


def test_pptx_headlines_are_a_native_table_with_the_notes_for_the_presenter(thai_pptx):
    slide = thai_pptx.slides[1]
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["", "ขณะนี้", "สัปดาห์ก่อน", "เปลี่ยนแปลง"]
    assert rows[2] == ["งบประมาณที่เบิกจ่ายแล้ว", "1,234.56 ล้านบาท", "1,100.00 ล้านบาท", "+134.6"]
    assert "=ติดตามอำเภอพิมาย" in slide.notes_slide.notes_text_frame.text


def test_pptx_map_and_movers_slides_hold_pictures_with_alt_text(thai_pptx):
    pictures = {slide.shapes.title.text_frame.text: [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
                for slide in thai_pptx.slides}
    (map_picture,) = pictures["แผนที่"]
    assert map_picture.image.content_type == "image/png"
    assert map_picture._element.nvPicPr.cNvPr.get("descr") == "การเบิกจ่าย PADME (%) · ไตรมาส 1/2570"
    (movers_picture,) = pictures["การเบิกจ่าย PADME (%)"]
    assert "ปากช่อง +3.1" in movers_picture._element.nvPicPr.cNvPr.get("descr")
    assert all(0 <= p.left and p.left + p.width <= thai_pptx.slide_width for ps in pictures.values() for p in ps)


def test_pptx_every_run_is_sarabun_for_latin_and_thai(thai_pptx):
    runs = [run for slide in thai_pptx.slides for shape in slide.shapes
            for frame in ([shape.text_frame] if shape.has_text_frame else [])
            + ([cell.text_frame for row in shape.table.rows for cell in row.cells] if shape.has_table else [])
            for paragraph in frame.paragraphs for run in paragraph.runs]
    assert len(runs) > 50
    for run in runs:
        rpr = run._r.find(qn("a:rPr"))
        assert run.font.name == "Sarabun"
        assert rpr.find(qn("a:cs")).get("typeface") == "Sarabun", run.text


def test_pptx_late_table_shows_fifteen_rows_and_counts_the_rest(thai_pptx):
    slide = thai_pptx.slides[5]
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    assert len(table.rows) == 1 + 15
    assert "… +12" in slide_texts(thai_pptx)[5]
    worded = Presentation(io.BytesIO(pptx_brief.build(thai_brief(headings={**TH, "more": "และอีก {n} รายการ"}))))
    assert "และอีก 12 รายการ" in slide_texts(worded)[5]


# PDF

def test_pdf_holds_every_figure_and_name(thai_pdf):
    assert len(thai_pdf.pages) > 1
    text = pdf_text(thai_pdf)
    for expected in figures(thai_brief()):
        assert squashed(expected) in text, expected
    assert "P-0026" in text  # the PDF keeps the whole late list


def test_pdf_is_a4_landscape_and_embeds_sarabun_only(thai_pdf):
    box = thai_pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    fonts = {}
    for page in thai_pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor
    assert len(fonts) == 2                                   # regular and bold
    assert all(name.split("+")[-1].startswith("Sarabun") and embedded for name, embedded in fonts.items())


# Both documents

def test_english_brief_builds_both_documents():
    brief = english_brief()
    deck_text = "\n".join(slide_texts(Presentation(io.BytesIO(pptx_brief.build(brief)))))
    text = pdf_text(PdfReader(io.BytesIO(pdf_brief.build(brief))))
    for expected in figures(brief):
        assert expected in deck_text
        assert squashed(expected) in text


def test_empty_sections_still_build_and_say_none():
    brief = empty_brief()
    deck = Presentation(io.BytesIO(pptx_brief.build(brief)))
    assert [s.shapes.title.text_frame.text for s in deck.slides] == [brief.title, "ตัวชี้วัดหลัก", "บันทึกการประชุม"]
    assert all("ไม่มี" in text for text in slide_texts(deck)[1:])
    reader = PdfReader(io.BytesIO(pdf_brief.build(brief)))
    assert pdf_text(reader).count("ไม่มี") == 2

    quiet = thai_brief(movers=[KpiMovers("การเบิกจ่าย PADME (%)", [], [], [], [])], late=Table(["รหัสโครงการ"], []))
    texts = slide_texts(Presentation(io.BytesIO(pptx_brief.build(quiet))))
    assert "ไม่มี" in texts[3] and "เข้าสู่เขตแดง: —" in texts[3] and "ไม่มี" in texts[4]
    assert "เข้าสู่เขตแดง:—" in pdf_text(PdfReader(io.BytesIO(pdf_brief.build(quiet))))


def test_long_thai_names_wrap_rather_than_fail():
    long_name = "เฉลิมพระเกียรติ" * 20   # 300 characters and not one space to break at
    brief = thai_brief(
        headlines=[Headline(long_name, "1,234.56 ล้านบาท", "1,100.00 ล้านบาท", "+134.6", long_name)],
        movers=[KpiMovers(long_name, [Mover(long_name, "45.2%", 3.1)], [], [long_name], [])],
        late=Table(["อำเภอ", "สถานะ"], [[long_name, long_name]]))
    assert long_name in "\n".join(slide_texts(Presentation(io.BytesIO(pptx_brief.build(brief)))))
    assert squashed(long_name) in pdf_text(PdfReader(io.BytesIO(pdf_brief.build(brief))))


# Pictures

def test_map_is_a_png_with_the_best_area_at_the_good_end_of_the_scale():
    layer = thai_brief().map
    image = pixels(charts.map_png(layer))
    assert 600 <= image.width <= 3000 and 400 <= image.height <= 3000
    assert len(image.getcolors(1 << 24)) > 50                               # areas, scale, title: not blank
    good = colormaps["cividis"](1.0)[:3]
    assert has_colour(image, tuple(round(c * 255) for c in good))
    assert has_colour(image, hex_rgb(charts.NO_DATA_GREY))                 # districts without a value

    flipped = pixels(charts.map_png(replace(layer, higher_is_better=False)))
    assert flipped.getcolors(1 << 24) != image.getcolors(1 << 24)
    assert has_colour(flipped, tuple(round(c * 255) for c in good))        # now the lowest value's colour


def test_map_draws_multipolygons_and_an_empty_layer(tmp_path):
    square = [[100.0, 14.0], [100.0, 14.5], [100.5, 14.5], [100.5, 14.0], [100.0, 14.0]]
    hole = [[100.1, 14.1], [100.2, 14.1], [100.2, 14.2], [100.1, 14.2], [100.1, 14.1]]
    island = [[101.0, 14.0], [101.0, 14.2], [101.2, 14.2], [101.0, 14.0]]
    features = [{"type": "Feature", "properties": {"code": "A"},
                 "geometry": {"type": "MultiPolygon", "coordinates": [[square, hole], [island]]}},
                {"type": "Feature", "properties": {"code": "B"},
                 "geometry": {"type": "Polygon", "coordinates": [[[p[0] + 2, p[1]] for p in square]]}},
                {"type": "Feature", "properties": {"code": "C"}, "geometry": None}]
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    image = pixels(charts.map_png(MapLayer(path, "code", {"A": 1.0, "B": 2.0}, "Test")))
    assert has_colour(image, tuple(round(c * 255) for c in colormaps["cividis"](0.0)[:3]))
    blank = pixels(charts.map_png(MapLayer(path, "code", {}, "Test")))
    assert has_colour(blank, hex_rgb(charts.NO_DATA_GREY))


def test_movers_chart_colours_by_list_not_by_sign():
    lower_is_better = thai_brief().movers[1]       # the gain is a fall, the loss a rise
    image = pixels(charts.movers_png(lower_is_better))
    assert has_colour(image, hex_rgb(charts.UP_GREEN)) and has_colour(image, hex_rgb(charts.DOWN_RED))
    only_up = pixels(charts.movers_png(KpiMovers("x", [Mover("ปากช่อง", "45.2%", 3.1)], [], [], [])))
    assert has_colour(only_up, hex_rgb(charts.UP_GREEN)) and not has_colour(only_up, hex_rgb(charts.DOWN_RED))
    assert pixels(charts.movers_png(KpiMovers("x", [], [], [], []))).width > 0

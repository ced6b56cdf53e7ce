"""Every label on every screen, in Thai (the default) and English, from this one catalogue."""
from __future__ import annotations

LANGS = ("th", "en")
LANG_NAMES = {"th": "ไทย", "en": "English"}

_TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("ห้องปฏิบัติการ War Room กระทรวงมหาดไทย", "War Room · Ministry of Interior"),
    "app_subtitle": ("สำนักงานปลัดกระทรวงมหาดไทย · One Data", "Office of the Permanent Secretary · One Data"),
    "nav_overview": ("ภาพรวม", "Overview"),
    "nav_overview_help": ("ตัวชี้วัดหลักของ 4 ระบบ และแผนที่รายจังหวัด",
                          "Headline KPIs of the four sources and the province map"),
    "language": ("ภาษา / Language", "ภาษา / Language"),
    "fiscal_year": ("ปีงบประมาณ", "Fiscal year"),
    "quarter": ("ไตรมาส", "Quarter"),
    "period_help": ("ปีงบประมาณ 1 ต.ค. – 30 ก.ย. ตามปี พ.ศ. ที่สิ้นสุด", "Fiscal year Oct–Sep, named by the BE year it ends in"),
    "demo_banner": ("ข้อมูลสาธิต: ตัวเลขทั้งหมดในหน้านี้สร้างขึ้นเพื่อทดสอบระบบ ไม่ใช่ข้อมูลจริงของกระทรวงมหาดไทย",
                    "Demo data: every figure here is generated for testing, not real Ministry of Interior data"),
    "seeding": ("กำลังสร้างฐานข้อมูลสาธิตครั้งแรก…", "Creating the demo database for the first time…"),
    "seeding_done": ("สร้างฐานข้อมูลสาธิตแล้ว", "Demo database created"),
    "db_down": ("เชื่อมต่อฐานข้อมูลไม่ได้ ตัวเลขจึงยังไม่แสดง", "The database cannot be reached, so no figures are shown"),
    "db_down_hint": ("ตรวจสอบการตั้งค่า WARROOM_DB_URL หรือ .streamlit/secrets.toml แล้วโหลดหน้าใหม่",
                     "Check WARROOM_DB_URL or .streamlit/secrets.toml, then reload"),
    "db_empty": ("ฐานข้อมูลที่ตั้งค่าไว้ยังไม่มีตาราง War Room", "The configured database has no War Room tables yet"),
    "db_empty_hint": ("ผู้ดูแลระบบสร้างตารางได้ด้วย: python -m data_access init",
                      "An administrator can create them with: python -m data_access init"),
    "url_invalid": ("ค่าในลิงก์ไม่ถูกต้อง จึงแสดงค่าเริ่มต้นแทน:", "Some link values were not understood and defaults are shown:"),
    "db_outdated": ("โครงสร้างฐานข้อมูลเก่ากว่าแอปรุ่นนี้", "The database schema is older than this version of the app"),
    "db_outdated_hint": ("ผู้ดูแลระบบต้องปรับโครงสร้างฐานข้อมูลก่อน (ดู docs/ARCHITECTURE.md)",
                         "An administrator must upgrade the schema first (see docs/ARCHITECTURE.md)"),
    "db_no_data": ("ฐานข้อมูลยังไม่มีข้อมูลจากระบบใด", "The database holds no source data yet"),
    "db_no_data_hint": ("นำเข้าข้อมูลจาก PADME, CEBRS, ThaiQM หรือ SDG แล้วโหลดหน้าใหม่",
                        "Import PADME, CEBRS, ThaiQM or SDG data, then reload"),
    "no_data": ("ไม่มีข้อมูล", "No data"),
    "not_permitted": ("ไม่มีสิทธิ์ดูพื้นที่นี้", "You are not permitted to see this area"),
    "nation": ("ประเทศไทย", "Thailand"),
    "source_padme": ("PADME แผนงานโครงการจังหวัด", "PADME provincial plan projects"),
    "source_cebrs": ("CEBRS งบช่วยเหลือความเดือดร้อนเร่งด่วน", "CEBRS urgent relief budget"),
    "source_thaiqm": ("ThaiQM ครัวเรือนเป้าหมาย", "ThaiQM households in need"),
    "source_sdg": ("เป้าหมายการพัฒนาที่ยั่งยืน (SDGs)", "Sustainable Development Goals"),
    "as_of": ("ข้อมูล ณ", "Data as of"),
    "padme_budget": ("งบประมาณโครงการ (ล้านบาท)", "Project budget (million baht)"),
    "padme_disbursed_pct": ("เบิกจ่ายแล้ว (ร้อยละของงบ)", "Disbursed (% of budget)"),
    "padme_gap_pp": ("เบิกจ่ายเทียบเป้าไตรมาส (จุดร้อยละ)", "Disbursed vs quarter target (pp)"),
    "padme_budget_mb": ("งบประมาณ PADME (ล้านบาท)", "PADME budget (million baht)"),
    "vs_target": ("เทียบเป้า", "vs target"),
    "target": ("เป้า", "target"),
    "padme_projects": ("โครงการ", "projects"),
    "padme_late": ("โครงการล่าช้า/เสี่ยง", "Projects late or at risk"),
    "cebrs_approved": ("งบช่วยเหลือที่อนุมัติ (ล้านบาท)", "Relief approved (million baht)"),
    "cebrs_disbursed_pct": ("งบช่วยเหลือเบิกจ่ายแล้ว (ร้อยละ)", "Relief disbursed (%)"),
    "cebrs_approved_mb": ("งบช่วยเหลือที่อนุมัติ (ล้านบาท)", "Relief approved (million baht)"),
    "cebrs_beneficiaries": ("ครัวเรือนที่ได้รับประโยชน์", "Households benefiting"),
    "thaiqm_target": ("ครัวเรือนเป้าหมาย", "Target households"),
    "thaiqm_n_target": ("ครัวเรือนเป้าหมาย (ครัวเรือน)", "Target households (count)"),
    "thaiqm_helped_pct": ("ครัวเรือนได้รับการช่วยเหลือ (ร้อยละ)", "Target households helped (%)"),
    "sdg_on_track": ("SDG ที่บรรลุหรือใกล้บรรลุ", "SDGs achieved or nearly"),
    "sdg_on_track_help": ("จำนวนเป้าหมายที่ได้ระดับ 'บรรลุแล้ว' หรือ 'ยังมีความท้าทาย' ตามเกณฑ์ SDSN ปี",
                          "Goals rated 'achieved' or 'challenges remain' by the SDSN rule, year"),
    "of_17": ("จาก 17 เป้าหมาย", "of 17 goals"),
    "map_title": ("แผนที่รายจังหวัด", "Provinces"),
    "map_kpi": ("ระบายสีแผนที่ตาม", "Colour the map by"),
    "ranking": ("อันดับจังหวัด", "Province ranking"),
    "col_area": ("พื้นที่", "Area"),
    "col_value": ("ค่า", "Value"),
    "col_rank": ("อันดับ", "Rank"),
    "col_region": ("ภาค", "Region"),
    "attribution": ("ขอบเขตการปกครอง: กรมแผนที่ทหาร ผ่าน OCHA/HDX (CC BY 3.0 IGO) แบบย่อรูป",
                    "Boundaries: Royal Thai Survey Department, via OCHA/HDX (CC BY 3.0 IGO); simplified."),
    "unit_mb": ("ล้านบาท", "million baht"),
    "unit_households": ("ครัวเรือน", "households"),
}


def t(key: str, lang: str = "th") -> str:
    th, en = _TEXT[key]
    return th if lang == "th" else en


def keys() -> list[str]:
    return list(_TEXT)

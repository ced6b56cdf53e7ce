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
    "fiscal_year_value": ("ปีงบประมาณ {year}", "FY{year}"),
    "demo_chip": ("ข้อมูลสาธิต", "Demo data"),
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
    "db_outdated_hint": ("ผู้ดูแลระบบต้องปรับโครงสร้างฐานข้อมูลก่อน: python -m data_access upgrade "
                         "(ดู docs/DEPLOYMENT.md หัวข้อ Upgrades)",
                         "An administrator must upgrade the schema first: python -m data_access upgrade "
                         "(see docs/DEPLOYMENT.md, Upgrades)"),
    "db_no_data": ("ฐานข้อมูลยังไม่มีข้อมูลจากระบบใด", "The database holds no source data yet"),
    "db_no_data_hint": ("ผู้ดูแลระบบนำเข้าข้อมูล PADME, CEBRS, ThaiQM หรือ SDG ได้ที่หน้า /import "
                        "(หรือ python -m data_access import) แล้วโหลดหน้าใหม่",
                        "An administrator imports PADME, CEBRS, ThaiQM or SDG data on the /import page "
                        "(or with python -m data_access import), then reload"),
    "vs": ("เทียบ", "vs"),
    "target_due": ("เป้าหมายที่ควรถึง ณ วันที่ข้อมูล", "Target due on the data date"),
    "dimension": ("มิติ", "Dimension"),
    "households": ("ครัวเรือน", "Households"),
    "by_dimension": ("ปัญหาตาม 5 มิติ (ครัวเรือน)", "Problems by the 5 dimensions (households)"),
    "dim_health": ("สุขภาพ", "Health"),
    "dim_living": ("ความเป็นอยู่", "Living conditions"),
    "dim_education": ("การศึกษา", "Education"),
    "dim_income": ("รายได้", "Income"),
    "dim_access": ("การเข้าถึงบริการรัฐ", "Access to public services"),
    "rating": ("ระดับ", "Rating"),
    "goals": ("เป้าหมาย", "Goals"),
    "rating_achieved": ("บรรลุแล้ว", "Achieved"),
    "rating_challenges": ("ยังมีความท้าทาย", "Challenges remain"),
    "rating_significant": ("ท้าทายมาก", "Significant challenges"),
    "rating_major": ("ท้าทายรุนแรง", "Major challenges"),
    "col_change": ("เปลี่ยนแปลง", "Change"),
    "exceptions": ("พื้นที่ที่ต้องเร่งรัด", "Exceptions: areas that lag"),
    "exceptions_none": ("ไม่มีพื้นที่ที่ล้าหลังเกินเกณฑ์", "No area lags beyond the thresholds"),
    "thaiqm_helped": ("ได้รับการช่วยเหลือ", "Helped"),
    "cebrs_projects": ("โครงการช่วยเหลือ", "Relief projects"),
    "subdistricts": ("รายตำบล", "Subdistricts"),
    "nav_padme": ("PADME แผนงานโครงการ", "PADME plans and projects"),
    "nav_padme_help": ("โครงการตามแผนพัฒนาจังหวัด งบประมาณ การเบิกจ่ายเทียบเป้า และรายงานรายโครงการ",
                       "Provincial plan projects: budget, disbursement against target, each project's report"),
    "nav_cebrs": ("CEBRS งบช่วยเหลือเร่งด่วน", "CEBRS urgent relief"),
    "nav_cebrs_help": ("งบแก้ไขความเดือดร้อนเร่งด่วน ตามประเภทปัญหาและพื้นที่ และงบเทียบความต้องการ",
                       "Urgent relief budget by problem and area, and money against need"),
    "nav_thaiqm": ("ThaiQM ครัวเรือนเป้าหมาย", "ThaiQM households in need"),
    "nav_thaiqm_help": ("ครัวเรือนเป้าหมาย ปัญหา 5 มิติ และความคืบหน้าการช่วยเหลือ",
                        "Households in need, their problems in 5 dimensions, and how many were helped"),
    "nav_sdg": ("SDGs 17 เป้าหมาย", "The 17 SDGs"),
    "nav_sdg_help": ("ระดับการบรรลุเป้าหมายการพัฒนาที่ยั่งยืนทั้ง 17 เป้าหมาย และการเปรียบเทียบจังหวัด",
                     "Ratings of the 17 goals, their indicators, and province benchmarking"),
    "nav_profile": ("โปรไฟล์พื้นที่", "Area profile"),
    "nav_profile_help": ("ข้อมูล 4 ระบบของจังหวัดหรืออำเภอเดียว และอันดับในกลุ่ม",
                         "The four sources for one province or district, with its rank among peers"),
    "profile_pick": ("แตะชื่อจังหวัดเพื่อเปิดข้อมูลของจังหวัดนั้น (หรือเลือกจากแผนที่ในหน้าภาพรวม)",
                     "Tap a province to open its profile (or pick one on the overview map)"),
    "province": ("จังหวัด", "Province"),
    "rank_among": ("อันดับในกลุ่ม", "Rank among peers"),
    "rank_of": ("จาก", "of"),
    "open_profile": ("เปิดโปรไฟล์พื้นที่", "Open the area profile"),
    "map_title_province": ("แผนที่รายจังหวัด", "Provinces"),
    "map_title_district": ("แผนที่รายอำเภอ", "Districts"),
    "ranking_province": ("อันดับจังหวัด", "Province ranking"),
    "ranking_district": ("อันดับอำเภอ", "District ranking"),
    "go_home": ("กลับไปพื้นที่ของฉัน", "Back to my area"),
    "national_reference": ("ค่าทั้งประเทศ", "Whole country"),
    "sign_in": ("เข้าสู่ระบบ", "Sign in"),
    "sign_in_oidc": ("เข้าสู่ระบบด้วยบัญชีกระทรวง", "Sign in with the ministry account"),
    "sign_out": ("ออกจากระบบ", "Sign out"),
    "username": ("ชื่อผู้ใช้", "User name"),
    "password": ("รหัสผ่าน", "Password"),
    "sign_in_invalid": ("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "Wrong user name or password"),
    "sign_in_disabled": ("บัญชีนี้ถูกระงับ ติดต่อผู้ดูแลระบบ", "This account is disabled; contact an administrator"),
    "sign_in_locked": ("ใส่รหัสผิดหลายครั้ง บัญชีถูกล็อกชั่วคราว 15 นาที",
                       "Too many failed attempts: the account is locked for 15 minutes"),
    "oidc_not_configured": ("ยังไม่ได้ตั้งค่าการเข้าสู่ระบบด้วยบัญชีกระทรวง ([auth] ใน .streamlit/secrets.toml)",
                            "Sign-in with the ministry account is not configured ([auth] in .streamlit/secrets.toml)"),
    "sign_in_no_account": ("บัญชีนี้ยังไม่ได้รับสิทธิ์ใช้ War Room", "This identity has no War Room account yet"),
    "session_expired": ("ไม่มีการใช้งานนานเกินกำหนด กรุณาเข้าสู่ระบบอีกครั้ง", "You were signed out after a period of inactivity"),
    "signed_in_as": ("ผู้ใช้", "Signed in as"),
    "role": ("บทบาท", "Role"),
    "district": ("อำเภอ", "District"),
    "role_executive": ("ผู้บริหาร (ทั้งประเทศ)", "Executive (whole country)"),
    "role_staff": ("เจ้าหน้าที่ (ทั้งประเทศ)", "Staff (whole country)"),
    "role_admin": ("ผู้ดูแลระบบ", "Administrator"),
    "role_governor": ("ผู้ว่าราชการจังหวัด", "Governor"),
    "role_district_officer": ("นายอำเภอ", "District chief"),
    "nav_admin": ("ผู้ดูแลระบบ", "Administration"),
    "nav_admin_help": ("บัญชีผู้ใช้และบันทึกการใช้งาน", "Accounts and the audit log"),
    "accounts": ("บัญชีผู้ใช้", "Accounts"),
    "audit_log": ("บันทึกการใช้งาน", "Audit log"),
    "download_csv": ("ดาวน์โหลด CSV", "Download CSV"),
    "download_xlsx": ("ดาวน์โหลด Excel", "Download Excel"),
    "no_data": ("ไม่มีข้อมูล", "No data"),
    "not_permitted": ("ไม่มีสิทธิ์ดูพื้นที่นี้", "You are not permitted to see this area"),
    "not_permitted_page": ("บทบาทของท่านไม่มีสิทธิ์ใช้หน้านี้", "Your role is not permitted to use this page"),
    "nation": ("ประเทศไทย", "Thailand"),
    "region_north": ("ภาคเหนือ", "North"),
    "region_northeast": ("ภาคตะวันออกเฉียงเหนือ", "Northeast"),
    "region_central": ("ภาคกลาง", "Central"),
    "region_south": ("ภาคใต้", "South"),
    "all_regions": ("ทุกภาค", "All regions"),
    "region_filter": ("ภาค", "Region"),
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
    "map_kpi": ("ระบายสีแผนที่ตาม", "Colour the map by"),
    "map_kpi_value": ("แผนที่: {kpi}", "Map: {kpi}"),
    "col_area": ("พื้นที่", "Area"),
    "col_value": ("ค่า", "Value"),
    "col_code": ("รหัสพื้นที่", "Area code"),
    "col_kpi": ("ตัวชี้วัด", "Indicator"),
    "to_day": ("ถึง", "to"),
    "ranking_order": ("เรียงจากที่ต้องเร่งรัดที่สุด แตะหัวคอลัมน์เพื่อเรียงใหม่",
                      "Those needing attention first; tap a column header to sort"),
    "same_day_help": ("ไตรมาสนี้ยังไม่สิ้นสุด จึงเทียบกับไตรมาสเดียวกันของปีก่อน ณ วันเดียวกัน "
                      "(ข้อมูล PADME รายงานรายไตรมาส ค่าของปีก่อนจึงประมาณตามสัดส่วนวันที่ผ่านไป)",
                      "This quarter is still running, so it is compared with the same quarter last year "
                      "to the same day (PADME reports quarterly: last year's figure is pro rata to the day)"),
    "col_rank": ("อันดับ", "Rank"),
    "col_region": ("ภาค", "Region"),
    "attribution": ("ขอบเขตการปกครอง: กรมแผนที่ทหาร ผ่าน OCHA/HDX (CC BY 3.0 IGO) แบบย่อรูป",
                    "Boundaries: Royal Thai Survey Department, via OCHA/HDX (CC BY 3.0 IGO); simplified."),
    "unit_mb": ("ล้านบาท", "million baht"),
    "unit_baht_per_household": ("บาท/ครัวเรือน", "baht / household"),
    "unit_households": ("ครัวเรือน", "households"),
}


def _merge_page_catalogues() -> None:
    import importlib
    import pkgutil

    from . import text
    for info in pkgutil.iter_modules(text.__path__):
        for key, pair in importlib.import_module(f"{text.__name__}.{info.name}").TEXT.items():
            if key in _TEXT:
                raise KeyError(f"catalogue key {key!r} is defined twice (ui/text/{info.name}.py)")
            _TEXT[key] = pair


_merge_page_catalogues()


def t(key: str, lang: str = "th") -> str:
    th, en = _TEXT[key]
    return en if lang == "en" else th  # Thai unless English was asked for


def keys() -> list[str]:
    return list(_TEXT)

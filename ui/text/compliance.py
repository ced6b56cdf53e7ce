"""Text of the reporting KPI (reports filed on time, metrics.compliance): on the map, the ranking, the
exceptions, the wall's "reporting" view and the weekly review, Thai and English.

A count here is of reports: each district owes one per reported source (PADME, ThaiQM, CEBRS) a quarter.
"""

TEXT = {
    "report_on_time_pct": ("ส่งรายงานตรงเวลา (ร้อยละ)", "Reports filed on time (%)"),
    "source_reporting": ("การส่งรายงานของพื้นที่", "Area reporting"),
    # The quarter judged and its due date, in words: "รายงานไตรมาส 4/2569 ครบกำหนดส่ง 15 ต.ค. 2569"
    # ({quarter} is FiscalQuarter.label: "ไตรมาส 4/2569", "Q4 FY2569").
    "compliance_due_line": ("รายงาน{quarter} ครบกำหนดส่ง {due}", "Reports for {quarter}, due {due}"),
    "compliance_n_missing": ("ขาดส่ง {n}", "{n} missing"),
    "compliance_n_late": ("ส่งช้า {n}", "{n} late"),
    "compliance_all_on_time": ("ส่งครบตรงเวลา", "all on time"),
    "compliance_rule": ("พื้นที่ที่มีรายงานขาดส่งหรือส่งช้า ขาดส่งก่อน (นับรายงานของแต่ละอำเภอ แต่ละระบบ)",
                        "Areas with a report missing or filed late, missing first (reports counted per district "
                        "and source)"),
    "compliance_missing_province": ("จังหวัดที่ยังไม่ส่งรายงาน", "Provinces that have not reported"),
    "compliance_missing_district": ("อำเภอที่ยังไม่ส่งรายงาน", "Districts that have not reported"),
    "compliance_late_province": ("จังหวัดที่ส่งรายงานช้า", "Provinces that reported late"),
    "compliance_late_district": ("อำเภอที่ส่งรายงานช้า", "Districts that reported late"),
    "compliance_none_missing": ("ไม่มี{children}ใดขาดส่งรายงาน", "No {children} has a report missing"),
    "compliance_none_late": ("ไม่มี{children}ใดส่งรายงานช้า", "No {children} reported late"),
    "compliance_more": ("และอีก {n} แห่ง", "and {n} more"),
    "compliance_col_missing": ("ขาดส่ง (รายงาน)", "Missing (reports)"),
    "compliance_col_late": ("ส่งช้า (รายงาน)", "Late (reports)"),
    "compliance_metric_missing": ("รายงานที่ขาดส่ง", "Reports missing"),
    "compliance_metric_late": ("รายงานที่ส่งช้า", "Reports filed late"),
    "compliance_tooltip": ("การส่งรายงาน", "Reports"),
    "compliance_weekly": ("ใครยังไม่ส่งรายงาน", "Who has not reported"),
    "compliance_sheet": ("ยังไม่ส่งหรือส่งช้า", "Not reported or late"),  # an Excel sheet's title (≤ 31)
    "compliance_source": ("ระบบ", "Source"),
    "compliance_status": ("สถานะ", "Status"),
    "compliance_status_on_time": ("ส่งตรงเวลา", "Filed on time"),
    "compliance_status_late": ("ส่งช้า {days} วัน", "Filed {days} days late"),
    "compliance_status_missing": ("ยังไม่ส่ง เกินกำหนด {days} วัน", "Not filed, {days} days overdue"),
    "compliance_status_open": ("ยังไม่ถึงกำหนดส่ง", "Not due yet"),
    "compliance_status_none": ("ไม่มีรายงานที่ต้องส่ง", "Nothing due"),
    "kiosk_slide_reporting": ("การส่งรายงาน", "Reporting"),
}

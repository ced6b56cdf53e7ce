"""Text of the CEBRS page (urgent relief of citizens' hardship), Thai and English."""

TEXT = {
    # headline
    "cebrs_headline": ("ภาพรวมงบช่วยเหลือเร่งด่วน", "Urgent relief at a glance"),
    "cebrs_approved_total": ("อนุมัติแล้ว (ล้านบาท)", "Approved (million baht)"),
    "cebrs_disbursed_total": ("เบิกจ่ายแล้ว (ล้านบาท)", "Disbursed (million baht)"),
    "cebrs_disbursed_share": ("เบิกจ่ายแล้ว (ร้อยละของที่อนุมัติ)", "Disbursed (% of approved)"),
    "cebrs_n_projects": ("จำนวนโครงการ", "Projects"),
    "cebrs_households": ("ครัวเรือนที่ได้รับประโยชน์", "Beneficiary households"),
    "cebrs_people": ("ประชาชนที่ได้รับประโยชน์ (คน)", "Beneficiaries (people)"),
    "cebrs_cumulative": ("ตัวเลขสะสมถึงสิ้นไตรมาส", "Figures cumulative to the quarter's end"),
    # categories
    "cebrs_by_category": ("อนุมัติและเบิกจ่ายตามประเภทปัญหา", "Approved and disbursed by problem category"),
    "cebrs_category": ("ประเภทปัญหา", "Problem category"),
    "cebrs_cat_drought": ("ภัยแล้ง / น้ำ", "Drought / water"),
    "cebrs_cat_flood": ("อุทกภัย", "Flood"),
    "cebrs_cat_roads": ("ถนนและการคมนาคม", "Roads and transport"),
    "cebrs_cat_agriculture": ("การเกษตรและอาชีพ", "Agriculture and livelihood"),
    "cebrs_cat_health": ("สุขภาพ", "Health"),
    "cebrs_cat_housing": ("ที่อยู่อาศัย", "Housing"),
    "cebrs_cat_other": ("อื่น ๆ", "Other"),
    "cebrs_series_approved": ("อนุมัติ", "Approved"),
    "cebrs_series_disbursed": ("เบิกจ่าย", "Disbursed"),
    "cebrs_col_approved_mb": ("อนุมัติ (ล้านบาท)", "Approved (million baht)"),
    "cebrs_col_disbursed_mb": ("เบิกจ่าย (ล้านบาท)", "Disbursed (million baht)"),
    "cebrs_col_disbursed_pct": ("เบิกจ่าย (ร้อยละ)", "Disbursed (%)"),
    # by area
    "cebrs_by_area_province": ("รายจังหวัด: ร้อยละการเบิกจ่าย", "By province: % disbursed"),
    "cebrs_by_area_district": ("รายอำเภอ: ร้อยละการเบิกจ่าย", "By district: % disbursed"),
    "cebrs_by_subdistrict": ("รายตำบล", "By subdistrict"),
    "cebrs_map_click": ("คลิกพื้นที่บนแผนที่เพื่อดูรายละเอียด", "Click an area on the map to open it"),
    # status
    "cebrs_status_title": ("สถานะโครงการและระยะเวลาถึงการเบิกจ่าย", "Project status and time to disbursement"),
    "cebrs_status": ("สถานะ", "Status"),
    "cebrs_status_approved": ("อนุมัติแล้ว", "Approved"),
    "cebrs_status_in_progress": ("กำลังดำเนินการ", "In progress"),
    "cebrs_status_done": ("เสร็จแล้ว", "Done"),
    "cebrs_days_median": ("วันจากอนุมัติถึงเบิกจ่าย (มัธยฐาน)", "Days from approval to disbursement (median)"),
    "cebrs_days_p90": ("วันจากอนุมัติถึงเบิกจ่าย (เปอร์เซ็นไทล์ที่ 90)", "Days from approval to disbursement (90th percentile)"),
    "cebrs_days_help": ("นับเฉพาะโครงการที่เบิกจ่ายภายในสิ้นไตรมาส จำนวน",
                        "Projects disbursed by the quarter's end only; number of projects:"),
    "cebrs_status_help": ("สถานะ ณ สิ้นไตรมาส คิดจากวันที่: เสร็จ (วันแล้วเสร็จ) กำลังดำเนินการ (วันเบิกจ่าย) อนุมัติแล้ว (วันอนุมัติ)",
                          "Status at the quarter's end, from the dates: done (completion), in progress (disbursement), approved (approval)"),
    "cebrs_unit_projects": ("โครงการ", "projects"),
    "cebrs_unit_days": ("วัน", "days"),
    # budget vs need
    "cebrs_need_title": ("งบประมาณเทียบความต้องการ", "Budget vs need"),
    "cebrs_baht_per_household": ("งบต่อครัวเรือนเป้าหมาย (บาท/ครัวเรือน)", "Money per target household (baht)"),
    "cebrs_unit_baht_per_household": ("บาท/ครัวเรือน", "baht / household"),
    "cebrs_need_help": (
        "งบ = งบช่วยเหลือ CEBRS ที่อนุมัติ + งบโครงการ PADME (ปีงบประมาณและไตรมาสเดียวกัน) หารด้วยครัวเรือนเป้าหมาย ThaiQM "
        "พื้นที่ที่ 'ความต้องการสูง งบน้อย' คือ ครัวเรือนเป้าหมายมากกว่ามัธยฐานของพื้นที่ในกลุ่ม และงบต่อครัวเรือนอยู่ในกลุ่มต่ำสุดหนึ่งในสี่ (ไม่เกินควอร์ไทล์ที่ 1) "
        "พื้นที่ที่ไม่มีครัวเรือนเป้าหมายหรือไม่มีงบจากทั้งสองระบบถือว่าไม่มีข้อมูล",
        "Money = CEBRS approved + PADME budget (same fiscal year and quarter) divided by ThaiQM target households. "
        "An area is flagged 'need high, money low' when its target households are above the median of its peers "
        "and its money per household is in the peers' bottom quartile (at or below the 25th percentile). "
        "Areas with no target households, or no money in either source, have no data and are never flagged."),
    "cebrs_flagged": ("ความต้องการสูง งบน้อย", "Need high, money low"),
    "cebrs_flagged_none": ("ไม่มีพื้นที่ที่ความต้องการสูงแต่งบน้อยตามเกณฑ์", "No area has high need and low money by this rule"),
    "cebrs_flag_col": ("ข้อสังเกต", "Flag"),
    "cebrs_col_money_mb": ("งบ CEBRS + PADME (ล้านบาท)", "CEBRS + PADME money (million baht)"),
    "cebrs_col_padme_mb": ("งบ PADME (ล้านบาท)", "PADME budget (million baht)"),
    "cebrs_col_target": ("ครัวเรือนเป้าหมาย ThaiQM", "ThaiQM target households"),
    "cebrs_need_district_only": ("ค่าของอำเภอนี้ (การเปรียบเทียบในกลุ่มอยู่ที่ระดับจังหวัด)",
                                 "This district's figure (the comparison among peers is at province level)"),
    "cebrs_need_sources": ("แหล่งข้อมูล", "Sources"),
    # projects
    "cebrs_projects_title": ("รายการโครงการช่วยเหลือ", "Relief projects"),
    "cebrs_projects_help": ("โครงการของพื้นที่ในปีงบประมาณนี้ที่อนุมัติภายในสิ้นไตรมาส ใหม่สุดก่อน ยอดเบิกจ่ายและสถานะ ณ สิ้นไตรมาส",
                            "The area's projects of this fiscal year approved by the quarter's end, newest first; "
                            "disbursement and status as at the quarter's end"),
    "cebrs_col_project_id": ("รหัสโครงการ", "Project ID"),
    "cebrs_col_title": ("ชื่อโครงการ", "Title"),
    "cebrs_col_subdistrict": ("ตำบล", "Subdistrict"),
    "cebrs_col_households": ("ครัวเรือนที่ได้รับประโยชน์", "Beneficiary households"),
    "cebrs_col_people": ("ประชาชนที่ได้รับประโยชน์", "Beneficiary people"),
    "cebrs_col_approved_baht": ("อนุมัติ (บาท)", "Approved (baht)"),
    "cebrs_col_disbursed_baht": ("เบิกจ่าย (บาท)", "Disbursed (baht)"),
    "cebrs_col_approved_on": ("วันอนุมัติ", "Approved on"),
    "cebrs_col_disbursed_on": ("วันเบิกจ่าย", "Disbursed on"),
    "cebrs_no_projects": ("ไม่มีโครงการในพื้นที่และช่วงเวลานี้", "No project in this area and period"),
}

"""Text of the wall screen (kiosk), Thai and English."""

TEXT = {
    "kiosk_title": ("War Room มหาดไทย", "War Room · Interior"),
    "kiosk_demo": ("ข้อมูลสาธิต", "Demo data"),
    "kiosk_next": ("ถัดไปใน {seconds} วินาที", "next in {seconds} s"),
    "kiosk_slide_overview": ("ภาพรวม", "Overview"),
    "kiosk_slide_exceptions": ("พื้นที่ที่ต้องเร่งรัด", "Needs attention"),
    # The exceptions rule in plain words (ui/kiosk_views.py `rule_line`): "ต่ำกว่าทั้งประเทศ (8.6%) ตั้งแต่ 10 จุดขึ้นไป".
    "kiosk_below": ("ต่ำกว่า{ref} ({value}) ตั้งแต่ {points} จุดขึ้นไป", "{points} points or more below {ref} ({value})"),
    "kiosk_ref_nation": ("ทั้งประเทศ", "the whole country"),
    "kiosk_ref_region": ("ทั้ง{name}", "the {name} as a whole"),
    "kiosk_ref_province": ("ทั้งจังหวัด{name}", "{name} province as a whole"),
    "kiosk_ref_district": ("ทั้ง{name}", "{name} as a whole"),
    "kiosk_none_behind": ("ไม่มี{children}ใดต่ำกว่าเกณฑ์นี้", "No {children} is this far behind"),
    "kiosk_children_province": ("จังหวัด", "province"),
    "kiosk_children_district": ("อำเภอ", "district"),
    "kiosk_lowest": ("ต่ำสุด", "Lowest"),
    "kiosk_no_lagging": ("ไม่มีพื้นที่ที่ล่าช้าเกินเกณฑ์", "No area lags beyond the threshold"),
    "kiosk_bad_entry": ("รายการหน้าจอที่ไม่รู้จักถูกข้ามไป", "Unknown wall views were skipped"),
    "kiosk_skipped": ("ข้ามหน้าจอที่ไม่มีสิทธิ์ดู", "Views outside this account's rights were skipped"),
    "kiosk_nothing": ("ไม่มีหน้าจอให้แสดง: ตรวจ [kiosk] playlist ใน .streamlit/warroom.toml",
                      "Nothing to show: check [kiosk] playlist in .streamlit/warroom.toml"),
    "kiosk_light_hint": ("จอผนังควรใช้ธีมมืด: เพิ่ม &embed=true&embed_options=dark_theme ท้ายลิงก์",
                         "Wall screens should use the dark theme: add &embed=true&embed_options=dark_theme to the link"),
}

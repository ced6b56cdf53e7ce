"""Text of the wall screen (kiosk), Thai and English."""

TEXT = {
    "kiosk_title": ("War Room มหาดไทย", "War Room · Interior"),
    "kiosk_demo": ("ข้อมูลสาธิต", "Demo data"),
    "kiosk_next": ("ถัดไปใน {seconds} วินาที", "next in {seconds} s"),
    "kiosk_slide_overview": ("ภาพรวม", "Overview"),
    "kiosk_slide_exceptions": ("พื้นที่ที่ต้องเร่งรัด", "Needs attention"),
    "kiosk_lagging": ("ต่ำกว่าค่าของพื้นที่มากที่สุด", "Furthest below the area's figure"),
    "kiosk_no_lagging": ("ไม่มีพื้นที่ที่ล่าช้าเกินเกณฑ์", "No area lags beyond the threshold"),
    "kiosk_bad_entry": ("รายการหน้าจอที่ไม่รู้จักถูกข้ามไป", "Unknown wall views were skipped"),
    "kiosk_skipped": ("ข้ามหน้าจอที่ไม่มีสิทธิ์ดู", "Views outside this account's rights were skipped"),
    "kiosk_nothing": ("ไม่มีหน้าจอให้แสดง: ตรวจ [kiosk] playlist ใน .streamlit/warroom.toml",
                      "Nothing to show: check [kiosk] playlist in .streamlit/warroom.toml"),
    "kiosk_light_hint": ("จอผนังควรใช้ธีมมืด: เพิ่ม &embed=true&embed_options=dark_theme ท้ายลิงก์",
                         "Wall screens should use the dark theme: add &embed=true&embed_options=dark_theme to the link"),
}

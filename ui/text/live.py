"""Text of the live-refresh badge, Thai and English."""

TEXT = {
    "live": ("สด", "Live"),
    "live_help": ("หน้านี้ตรวจข้อมูลใหม่ทุก {seconds} วินาที และปรับตัวเลขเองโดยไม่ต้องโหลดหน้าใหม่",
                  "This page checks for new data every {seconds} s and updates itself without a reload"),
    "live_offline": ("ขาดการเชื่อมต่อฐานข้อมูล", "Database unreachable"),
    "live_offline_help": ("ตัวเลขบนจอเป็นข้อมูลล่าสุดที่อ่านได้ จะลองใหม่อัตโนมัติ",
                          "The figures shown are the last ones read; retrying automatically"),
    "live_updated": ("ปรับปรุงล่าสุด", "Last update"),
    "live_never": ("ยังไม่มีข้อมูล", "no data yet"),
}

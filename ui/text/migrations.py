"""Text of the schema's version banners (data_access/migrations; ui/shell.start, web/health)."""

TEXT = {
    "mig_newer": ("ฐานข้อมูลถูกปรับโครงสร้างโดยแอปรุ่นที่ใหม่กว่ารุ่นนี้",
                  "The database was upgraded by a newer build of the app"),
    "mig_newer_hint": ("ให้ผู้ดูแลระบบติดตั้งแอปรุ่นนั้น (หรือใหม่กว่า) แทนรุ่นนี้ แอปรุ่นนี้ไม่ได้อ่านหรือแก้ไขฐานข้อมูล "
                       "และ python -m data_access upgrade ของรุ่นนี้จะปฏิเสธ ไม่มีการย้อนรุ่นโครงสร้าง",
                       "An administrator must deploy that build (or a newer one) instead of this one. This build "
                       "has read and changed nothing, and its python -m data_access upgrade refuses: a schema "
                       "is never downgraded"),
}

"""Text of the hot standby's state (data_access/routing.py) on the data health page."""

TEXT = {
    "standby_ok": ("สำเนาฐานข้อมูลสำหรับอ่าน (hot standby) ให้บริการหน้ารายงานอยู่ ช้ากว่าฐานข้อมูลหลัก {lag:,.1f} วินาที",
                   "The read replica (hot standby) serves the pages' reads, {lag:,.1f} s behind the primary"),
    "standby_lagging": ("สำเนาฐานข้อมูลสำหรับอ่านช้ากว่าฐานข้อมูลหลัก {lag:,.0f} วินาที (เกณฑ์ {limit:,.0f} วินาที) "
                        "หน้ารายงานจึงอ่านจากฐานข้อมูลหลักแทน ตัวเลขยังถูกต้อง",
                        "The read replica is {lag:,.0f} s behind the primary (limit {limit:,.0f} s): the pages "
                        "read from the primary instead; the figures are unaffected"),
    "standby_down": ("สำเนาฐานข้อมูลสำหรับอ่านไม่ตอบสนอง หน้ารายงานจึงอ่านจากฐานข้อมูลหลักแทน ตัวเลขยังถูกต้อง "
                     "แต่อาจช้าลง",
                     "The read replica does not answer: the pages read from the primary instead; the figures "
                     "are unaffected, the pages may be slower"),
}

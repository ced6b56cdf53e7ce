"""Text of the embedded store's fault banners (data_access.storecheck), Thai and English."""

TEXT = {
    "store_gone": ("ไม่พบไฟล์ฐานข้อมูลแล้ว ตัวเลขจึงไม่แสดง",
                   "The database file is gone, so no figures are shown"),
    "store_gone_hint": ("ไฟล์ถูกย้ายหรือลบขณะแอปทำงาน ให้นำไฟล์เดิมกลับมาไว้ที่เดิม หรือกู้คืนจากสำเนาสำรองแล้วเริ่มแอปใหม่",
                        "It was moved or deleted while the app ran: put the file back where it was, or "
                        "restore it from the backup and restart the app"),
    "store_replaced": ("ไฟล์ฐานข้อมูลถูกแทนที่ด้วยไฟล์อื่น ตัวเลขจึงไม่แสดง",
                       "The database file was replaced by another file, so no figures are shown"),
    "store_replaced_hint": ("ให้นำไฟล์เดิมกลับมา หรือถ้าตั้งใจกู้คืนจากสำเนาสำรอง ให้เริ่มแอปใหม่เพื่อใช้ไฟล์นั้น",
                            "Put the original file back or, if a backup was restored on purpose, restart the "
                            "app to use it"),
    "store_header": ("ส่วนหัวของไฟล์ฐานข้อมูลเสียหาย ตัวเลขจึงไม่แสดง",
                     "The database file's header is damaged, so no figures are shown"),
    "store_header_hint": ("ไฟล์ไม่ใช่ฐานข้อมูล SQLite แล้ว ให้กู้คืนจากสำเนาสำรองแล้วเริ่มแอปใหม่",
                          "It is no longer a SQLite database: restore it from the backup, then restart the app"),
    "store_corrupt": ("ไฟล์ฐานข้อมูลเสียหาย ตัวเลขจึงไม่แสดง",
                      "The database file is damaged, so no figures are shown"),
    "store_corrupt_hint": ("การตรวจความถูกต้องของไฟล์พบความเสียหาย ให้กู้คืนจากสำเนาสำรองแล้วเริ่มแอปใหม่",
                           "The integrity check found damage: restore it from the backup, then restart the app"),
    "store_locked": ("ไฟล์ฐานข้อมูลถูกโปรแกรมอื่นล็อกไว้ ตัวเลขจึงไม่แสดง",
                     "The database file is locked by another program, so no figures are shown"),
    "store_locked_hint": ("ให้ปิดโปรแกรมที่เปิดไฟล์ค้างไว้ (เช่น sqlite3 ที่ตั้ง locking_mode=EXCLUSIVE) แล้วโหลดหน้าใหม่",
                          "Close the program holding it (such as a sqlite3 shell in locking_mode=EXCLUSIVE), "
                          "then reload the page"),
    "store_readonly": ("ไฟล์ฐานข้อมูลเขียนไม่ได้ (อ่านได้อย่างเดียว): ตัวเลขที่แสดงเป็นข้อมูลล่าสุดที่บันทึกไว้ "
                       "แต่การนำเข้าไฟล์และการส่งรายงานจะถูกปฏิเสธ",
                       "The database file is read-only: the figures shown are the last ones stored, but "
                       "imports and reports are refused"),
    "store_readonly_hint": ("ให้ผู้ดูแลระบบทำให้ไฟล์เขียนได้อีกครั้ง (สิทธิ์ไฟล์ chattr หรือการเมานต์ดิสก์) "
                            "แล้วโหลดหน้าใหม่ ไม่ต้องเริ่มแอปใหม่",
                            "An administrator must make it writable again (its permissions, chattr, or the "
                            "disk's mount), then reload the page; no restart is needed"),
    "store_where": ("ไฟล์: {file} · พบเมื่อ {since} (เวลาประเทศไทย)", "File: {file} · since {since} (Thailand time)"),
}

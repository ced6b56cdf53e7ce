"""The import contract's reasons (data_access: English, as the CLI and the import log keep them) in
the viewer's language, for the screens that list a refused file's or report's problems. A reason this
table does not know is shown as it is."""
from __future__ import annotations

import re

# (pattern of the English reason, its Thai wording; groups carry the values over)
THAI = [
    (r"required", "ต้องกรอก"),
    (r"not a valid whole number", "ไม่ใช่จำนวนเต็ม"),
    (r"must not be negative", "ต้องไม่ติดลบ"),
    (r"must be between (\S+) and (\S+)", r"ต้องอยู่ระหว่าง \1 ถึง \2"),
    (r"too large: at most (.+) either way", r"มากเกินไป: ไม่เกิน \1 ทั้งบวกและลบ"),
    (r"too large: at most (.+)", r"มากเกินไป: ไม่เกิน \1"),
    (r"not a number", "ไม่ใช่ตัวเลข"),
    (r"not a finite number", "ไม่ใช่ตัวเลขที่มีค่าจำกัด"),
    (r"not a valid date \(YYYY-MM-DD, CE\)", "ไม่ใช่วันที่ที่ถูกต้อง (YYYY-MM-DD ปี ค.ศ.)"),
    (r"not a valid date or date-time \(YYYY-MM-DD\[ HH:MM\], CE\)",
     "ไม่ใช่วันที่หรือวันเวลาที่ถูกต้อง (YYYY-MM-DD HH:MM ปี ค.ศ.)"),
    (r"the year (\d+) is a Buddhist Era year: dates are written in CE \((\d+) − 543 = (\d+)\)",
     r"ปี \1 เป็นปี พ.ศ. วันที่ต้องเขียนเป็นปี ค.ศ. (\2 − 543 = \3)"),
    (r"outside the fiscal years the calendar holds \((\S+) to (\S+)\)",
     r"อยู่นอกปีงบประมาณในปฏิทิน (\1 ถึง \2)"),
    (r"not a yes/no value .*", "ไม่ใช่ค่าใช่/ไม่ใช่ (1/0, true/false, ใช่/ไม่ใช่)"),
    (r"not one of (.+)", r"ไม่ใช่ค่าที่กำหนด: \1"),
    (r"contains the control character (U\+[0-9A-F]{4}) \(invisible; remove it\)",
     r"มีอักขระควบคุม \1 (มองไม่เห็น ให้ลบออก)"),
    (r"no such subdistrict code", "ไม่มีรหัสตำบลนี้"),
    (r"no such district code", "ไม่มีรหัสอำเภอนี้"),
    (r"no such fiscal year \(BE\)", "ไม่มีปีงบประมาณนี้ (พ.ศ.)"),
    (r"no such year \(BE\)", "ไม่มีปีนี้ (พ.ศ.)"),
    (r"no such SDG indicator", "ไม่มีตัวชี้วัด SDG นี้"),
    (r"no such PADME project \(import the project first\)", "ไม่มีโครงการ PADME นี้ (นำเข้าโครงการก่อน)"),
    (r"a CE year: years here are Buddhist Era \(CE \+ 543\), e\.g\. (\d+)",
     r"เป็นปี ค.ศ.: ปีในช่องนี้ต้องเป็นปี พ.ศ. (ค.ศ. + 543) เช่น \1"),
    (r"duplicate key \(first at row (\d+)\)", r"คีย์ซ้ำ (พบครั้งแรกที่แถว \1)"),
    (r"required column\(s\) missing from the header", "ไม่มีคอลัมน์ที่ต้องมีในแถวหัวตาราง"),
    (r"the file has no data rows", "ไฟล์ไม่มีแถวข้อมูล"),
    (r"outside your area \((.+)\): you may report only for it", r"อยู่นอกพื้นที่ของคุณ (\1): รายงานได้เฉพาะพื้นที่ของตนเอง"),
    (r"this record belongs to a district outside your area \((.+)\) and cannot be moved into it",
     r"รายการนี้เป็นของอำเภอนอกพื้นที่ของคุณ (\1) ย้ายเข้ามาไม่ได้"),
    # the contract's row rules (data_access/contracts.py)
    (r"disbursed more than approved", "เบิกจ่ายมากกว่าวงเงินอนุมัติ"),
    (r"disbursed before it was approved", "วันเบิกจ่ายก่อนวันอนุมัติ"),
    (r"a done project needs its completion date", "โครงการที่เสร็จแล้วต้องมีวันที่แล้วเสร็จ"),
    (r"a disbursed amount needs its disbursement date", "ยอดเบิกจ่ายต้องมีวันที่เบิกจ่าย"),
    (r"a helped or self-resolved household needs its resolution date",
     "ครัวเรือนที่ช่วยเหลือแล้วหรือแก้ไขได้เองต้องมีวันที่แก้ไขได้"),
    (r"work on this household needs its start date", "ครัวเรือนที่เริ่มดำเนินการแล้วต้องมีวันที่เริ่มช่วยเหลือ"),
    (r"resolved before work started", "วันที่แก้ไขได้อยู่ก่อนวันที่เริ่มช่วยเหลือ"),
    (r"a target household needs a problem in at least one dimension", "ครัวเรือนเป้าหมายต้องมีปัญหาอย่างน้อยหนึ่งด้าน"),
    (r"the population weight must be above 0", "น้ำหนักประชากรต้องมากกว่า 0"),
    (r"budget below what the project has already reported as disbursed", "งบประมาณต่ำกว่ายอดที่โครงการรายงานว่าเบิกจ่ายแล้ว"),
    (r"committed less than disbursed", "ก่อหนี้ผูกพันน้อยกว่ายอดเบิกจ่าย"),
    (r"disbursed more than the project's budget", "เบิกจ่ายมากกว่างบประมาณของโครงการ"),
    (r"disbursement target above the project's budget", "เป้าหมายการเบิกจ่ายสูงกว่างบประมาณของโครงการ"),
    # the embedded store's refusals (data_access/storecheck.py Fault.reason; the detail stays in English)
    (r"the database file (\S+) is gone from its path \(moved or deleted\)(.*); nothing was written",
     r"ไม่พบไฟล์ฐานข้อมูล \1 ที่ตำแหน่งเดิม (ถูกย้ายหรือลบ)\2 จึงไม่ได้บันทึกสิ่งใด"),
    (r"the database file (\S+) was replaced by another file while the app ran(.*); nothing was written",
     r"ไฟล์ฐานข้อมูล \1 ถูกแทนที่ด้วยไฟล์อื่นขณะแอปทำงาน\2 จึงไม่ได้บันทึกสิ่งใด"),
    (r"the database file (\S+) has a damaged header: it is not a SQLite database any more(.*); nothing was written",
     r"ส่วนหัวของไฟล์ฐานข้อมูล \1 เสียหาย ไม่ใช่ฐานข้อมูล SQLite แล้ว\2 จึงไม่ได้บันทึกสิ่งใด"),
    (r"the database file (\S+) is damaged \(the integrity check failed\)(.*); nothing was written",
     r"ไฟล์ฐานข้อมูล \1 เสียหาย (การตรวจความถูกต้องไม่ผ่าน)\2 จึงไม่ได้บันทึกสิ่งใด"),
    (r"the database file (\S+) is locked by another process(.*); nothing was written",
     r"ไฟล์ฐานข้อมูล \1 ถูกโปรแกรมอื่นล็อกไว้\2 จึงไม่ได้บันทึกสิ่งใด"),
    (r"the database file (\S+) is read-only(.*); nothing was written",
     r"ไฟล์ฐานข้อมูล \1 เขียนไม่ได้ (อ่านได้อย่างเดียว)\2 จึงไม่ได้บันทึกสิ่งใด"),
]
_COMPILED = [(re.compile(pattern), thai) for pattern, thai in THAI]


def reason(text: str, lang: str) -> str:
    """`text` in `lang`: Thai where this table knows it, else as it is (English: always as it is)."""
    if lang != "th":
        return text
    for pattern, thai in _COMPILED:
        match = pattern.fullmatch(text)
        if match:
            return match.expand(thai)
    return text

"""Domain vocabularies: the 17 SDGs, their indicators, the national strategies and NESDP 13 milestones.

The SDG names and colours are the official ones (shared/domain/README.md). The indicator set is the
demo's: two provincially measurable indicators per goal, with unit, direction and 2030 target.
"""
from __future__ import annotations

SDG_GOALS = [
    (1, "ขจัดความยากจน", "No Poverty", "#E5243B"),
    (2, "ขจัดความหิวโหย", "Zero Hunger", "#DDA63A"),
    (3, "สุขภาพและความเป็นอยู่ที่ดี", "Good Health and Well-being", "#4C9F38"),
    (4, "การศึกษาที่มีคุณภาพ", "Quality Education", "#C5192D"),
    (5, "ความเท่าเทียมทางเพศ", "Gender Equality", "#FF3A21"),
    (6, "น้ำสะอาดและการสุขาภิบาล", "Clean Water and Sanitation", "#26BDE2"),
    (7, "พลังงานสะอาดที่ทุกคนเข้าถึงได้", "Affordable and Clean Energy", "#FCC30B"),
    (8, "งานที่มีคุณค่าและการเติบโตทางเศรษฐกิจ", "Decent Work and Economic Growth", "#A21942"),
    (9, "อุตสาหกรรม นวัตกรรม และโครงสร้างพื้นฐาน", "Industry, Innovation and Infrastructure", "#FD6925"),
    (10, "ลดความเหลื่อมล้ำ", "Reduced Inequalities", "#DD1367"),
    (11, "เมืองและชุมชนที่ยั่งยืน", "Sustainable Cities and Communities", "#FD9D24"),
    (12, "การผลิตและการบริโภคที่ยั่งยืน", "Responsible Consumption and Production", "#BF8B2E"),
    (13, "การรับมือการเปลี่ยนแปลงสภาพภูมิอากาศ", "Climate Action", "#3F7E44"),
    (14, "ทรัพยากรทางทะเล", "Life Below Water", "#0A97D9"),
    (15, "ระบบนิเวศบนบก", "Life on Land", "#56C02B"),
    (16, "สันติภาพ ความยุติธรรม และสถาบันที่เข้มแข็ง", "Peace, Justice and Strong Institutions", "#00689D"),
    (17, "ความร่วมมือเพื่อการพัฒนาที่ยั่งยืน", "Partnerships for the Goals", "#19486A"),
]

# code, goal, Thai, English, unit, direction, 2030 target, national level in the first year, lower bound
# (the value at which progress counts as zero, as SDSN normalises between a lower bound and the target)
SDG_INDICATORS = [
    ("1.a", 1, "สัดส่วนครัวเรือนยากจนตาม จปฐ.", "Households below the BMN income line", "%", "lower", 2.0, 6.5, 15.0),
    ("1.b", 1, "ครัวเรือนที่ผ่านเกณฑ์ จปฐ. ทุกตัวชี้วัด", "Households meeting every BMN indicator", "%", "higher", 95.0, 82.0, 50.0),
    ("2.a", 2, "เด็กอายุต่ำกว่า 5 ปีที่มีภาวะเตี้ย", "Stunting among children under 5", "%", "lower", 8.0, 13.0, 30.0),
    ("2.b", 2, "ครัวเรือนที่มีความมั่นคงทางอาหาร", "Food-secure households", "%", "higher", 98.0, 91.0, 60.0),
    ("3.a", 3, "อัตราการเสียชีวิตจากอุบัติเหตุทางถนน", "Road traffic deaths", "per 100,000", "lower", 12.0, 25.0, 40.0),
    ("3.b", 3, "ผู้สูงอายุที่ได้รับการคัดกรองสุขภาพ", "Older people screened for health risks", "%", "higher", 95.0, 78.0, 40.0),
    ("4.a", 4, "อัตราการเข้าเรียนมัธยมศึกษาตอนปลาย", "Upper-secondary enrolment", "%", "higher", 90.0, 72.0, 40.0),
    ("4.b", 4, "เด็กปฐมวัยที่มีพัฒนาการสมวัย", "Young children developing on track", "%", "higher", 90.0, 80.0, 50.0),
    ("5.a", 5, "สัดส่วนสตรีในสภาท้องถิ่น", "Women in local councils", "%", "higher", 30.0, 13.0, 0.0),
    ("5.b", 5, "ความรุนแรงในครอบครัวที่ได้รับแจ้ง", "Reported domestic violence", "per 100,000", "lower", 5.0, 11.0, 25.0),
    ("6.a", 6, "ครัวเรือนที่มีน้ำประปาใช้", "Households with piped water", "%", "higher", 98.0, 84.0, 40.0),
    ("6.b", 6, "น้ำเสียชุมชนที่ได้รับการบำบัด", "Municipal wastewater treated", "%", "higher", 60.0, 28.0, 0.0),
    ("7.a", 7, "ครัวเรือนที่มีไฟฟ้าใช้", "Households with electricity", "%", "higher", 100.0, 98.5, 80.0),
    ("7.b", 7, "สัดส่วนพลังงานหมุนเวียนในอาคารราชการ", "Renewable share in public buildings", "%", "higher", 30.0, 9.0, 0.0),
    ("8.a", 8, "อัตราการว่างงาน", "Unemployment rate", "%", "lower", 1.0, 1.9, 6.0),
    ("8.b", 8, "รายได้เฉลี่ยต่อครัวเรือน", "Mean household income", "thousand baht / month", "higher", 35.0, 26.0, 10.0),
    ("9.a", 9, "ครัวเรือนที่เข้าถึงอินเทอร์เน็ต", "Households with internet access", "%", "higher", 95.0, 81.0, 30.0),
    ("9.b", 9, "หมู่บ้านที่มีถนนผิวแข็งทุกฤดู", "Villages with an all-season road", "%", "higher", 98.0, 88.0, 50.0),
    ("10.a", 10, "สัมประสิทธิ์ความไม่เสมอภาคด้านรายได้", "Income Gini coefficient", "index", "lower", 0.33, 0.43, 0.55),
    ("10.b", 10, "ผู้สูงอายุที่ได้รับเบี้ยยังชีพ", "Older people receiving the living allowance", "%", "higher", 99.0, 94.0, 60.0),
    ("11.a", 11, "ครัวเรือนที่มีที่อยู่อาศัยมั่นคงถาวร", "Households in secure, durable housing", "%", "higher", 97.0, 90.0, 60.0),
    ("11.b", 11, "ขยะมูลฝอยที่กำจัดอย่างถูกต้อง", "Solid waste disposed of correctly", "%", "higher", 85.0, 62.0, 20.0),
    ("12.a", 12, "ขยะมูลฝอยต่อคนต่อวัน", "Solid waste per person per day", "kg", "lower", 0.9, 1.15, 2.0),
    ("12.b", 12, "ขยะที่นำกลับมาใช้ประโยชน์", "Waste recovered or recycled", "%", "higher", 45.0, 31.0, 0.0),
    ("13.a", 13, "หมู่บ้านที่ประสบภัยแล้งซ้ำซาก", "Villages hit by recurrent drought", "%", "lower", 3.0, 9.0, 30.0),
    ("13.b", 13, "อปท. ที่มีแผนรับมือภัยพิบัติที่ซ้อมแล้ว", "Local authorities with a rehearsed disaster plan", "%", "higher", 100.0, 71.0, 20.0),
    ("14.a", 14, "แหล่งน้ำผิวดินคุณภาพเกณฑ์ดี", "Surface water of good quality", "%", "higher", 80.0, 56.0, 20.0),
    ("14.b", 14, "ขยะที่ถูกดักก่อนลงแหล่งน้ำ", "Waste trapped before reaching waterways", "%", "higher", 70.0, 35.0, 0.0),
    ("15.a", 15, "พื้นที่ป่าไม้ต่อพื้นที่ทั้งหมด", "Forest cover", "%", "higher", 40.0, 31.0, 10.0),
    ("15.b", 15, "จุดความร้อนจากการเผาในที่โล่ง", "Open-burning hotspots", "per 100 km²", "lower", 1.0, 4.5, 15.0),
    ("16.a", 16, "เรื่องร้องเรียนศูนย์ดำรงธรรมที่ยุติแล้ว", "Damrongdhama complaints resolved", "%", "higher", 95.0, 86.0, 50.0),
    ("16.b", 16, "คดีอาชญากรรมต่อประชากร", "Reported crime", "per 100,000", "lower", 120.0, 210.0, 400.0),
    ("17.a", 17, "อปท. ที่จัดเก็บรายได้ตามเป้า", "Local authorities meeting revenue targets", "%", "higher", 90.0, 74.0, 40.0),
    ("17.b", 17, "ชุดข้อมูลเปิดที่ได้มาตรฐาน GD Catalog", "Open datasets meeting the GD Catalog standard", "%", "higher", 80.0, 48.0, 0.0),
]

NATIONAL_STRATEGIES = {
    1: ("ด้านความมั่นคง", "Security"),
    2: ("ด้านการสร้างความสามารถในการแข่งขัน", "Competitiveness"),
    3: ("ด้านการพัฒนาและเสริมสร้างศักยภาพทรัพยากรมนุษย์", "Human capital"),
    4: ("ด้านการสร้างโอกาสและความเสมอภาคทางสังคม", "Social opportunity and equality"),
    5: ("ด้านการสร้างการเติบโตบนคุณภาพชีวิตที่เป็นมิตรต่อสิ่งแวดล้อม", "Green growth"),
    6: ("ด้านการปรับสมดุลและพัฒนาระบบการบริหารจัดการภาครัฐ", "Public sector rebalancing and development"),
}

NESDP13_MILESTONES = {
    1: ("ไทยเป็นประเทศชั้นนำด้านสินค้าเกษตรและเกษตรแปรรูปมูลค่าสูง", "High-value agriculture and agro-processing"),
    2: ("ไทยเป็นจุดหมายของการท่องเที่ยวที่เน้นคุณภาพและความยั่งยืน", "Quality, sustainable tourism"),
    3: ("ไทยเป็นฐานการผลิตยานยนต์ไฟฟ้าที่สำคัญของโลก", "Electric-vehicle production base"),
    4: ("ไทยเป็นศูนย์กลางทางการแพทย์และสุขภาพมูลค่าสูง", "High-value medical and health hub"),
    5: ("ไทยเป็นประตูการค้าการลงทุนและยุทธศาสตร์ทางโลจิสติกส์ที่สำคัญของภูมิภาค", "Regional trade and logistics gateway"),
    6: ("ไทยเป็นฐานการผลิตอิเล็กทรอนิกส์อัจฉริยะและอุตสาหกรรมดิจิทัลของอาเซียน", "Smart electronics and digital industry"),
    7: ("ไทยมีวิสาหกิจขนาดกลางและขนาดย่อมที่เข้มแข็ง มีศักยภาพสูง และสามารถแข่งขันได้", "Strong, competitive SMEs"),
    8: ("ไทยมีพื้นที่และเมืองอัจฉริยะที่น่าอยู่ ปลอดภัย เติบโตได้อย่างยั่งยืน", "Liveable smart cities and areas"),
    9: ("ไทยมีความยากจนข้ามรุ่นลดลง และมีความคุ้มครองทางสังคมที่เพียงพอ เหมาะสม", "Less intergenerational poverty, adequate social protection"),
    10: ("ไทยมีเศรษฐกิจหมุนเวียนและสังคมคาร์บอนต่ำ", "Circular, low-carbon economy"),
    11: ("ไทยสามารถลดความเสี่ยงและผลกระทบจากภัยธรรมชาติและการเปลี่ยนแปลงสภาพภูมิอากาศ", "Disaster and climate risk reduction"),
    12: ("ไทยมีกำลังคนสมรรถนะสูง มุ่งเรียนรู้อย่างต่อเนื่อง ตอบโจทย์การพัฒนาแห่งอนาคต", "High-performing, lifelong-learning workforce"),
    13: ("ไทยมีภาครัฐที่ทันสมัย มีประสิทธิภาพ และตอบโจทย์ประชาชน", "Modern, efficient, responsive public sector"),
}

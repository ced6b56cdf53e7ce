"""The Thai font the documents use, vendored as TTF in static/fonts.

Why TTF beside the web's WOFF2 subsets: matplotlib and fpdf2 read TrueType only, and one file holding
Thai and Latin lets either shape a mixed line ("การเบิกจ่าย 45.2%") without falling back to a font
that has no Thai. Sarabun is the OFL release of TH Sarabun New, the government's official typeface,
so the documents look like the ministry's own.
"""
from __future__ import annotations

from pathlib import Path

FAMILY = "Sarabun"
FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
REGULAR = FONT_DIR / "Sarabun-Regular.ttf"
BOLD = FONT_DIR / "Sarabun-Bold.ttf"

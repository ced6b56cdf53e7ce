"""The PADME report of a project imported with hostile text, in Chromium: Streamlit's own renderer
shows every field as typed, with no link, bold, code, colour, icon, emoji, LaTeX or logo made of it
(the AppTest side, on every page, is tests/test_literal_text.py)."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser_support import ARTIFACTS, require_chromium, streamlit_app, wait_for_run
from tests.test_literal_text import CORE, FIELDS, PROJECT_ID, REPORT, hostile_db  # noqa: F401  (the fixture)
from ui import fmt

pytestmark = pytest.mark.browser

# Markup inside a rendered Markdown block that holds the data: what the hostile text would have made.
MADE = """() => {
  const blocks = [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
    .filter(b => b.innerText.includes('evil'));
  const found = [];
  for (const b of blocks) {
    // A header's own heading and its anchor link ("#...", the page's) are the element, not the data's.
    const heading = b.closest('[data-testid="stHeading"]');
    const own = e => heading && ((/^H[1-6]$/.test(e.tagName) && e.closest('[data-testid="stMarkdownContainer"]') === b && !e.parentElement.closest('h1, h2, h3, h4, h5, h6, li, blockquote, td'))
                                 || (e.tagName === 'A' && (e.getAttribute('href') || '').startsWith('#')));
    for (const e of b.querySelectorAll('a, code, em, del, img, h1, h2, h3, ul, blockquote, .katex, '
        + '[class*="ColoredText"], [class*="ColoredBackground"], [data-testid="stIconMaterial"]')) {
      if (!own(e)) found.push(e.outerHTML);
    }
    for (const s of b.querySelectorAll('strong')) if (s.innerText.trim() === 'B') found.push(s.outerHTML);
  }
  return {blocks: blocks.length, found};
}"""
LINKS = """() => [...document.querySelectorAll('a')].map(a => a.getAttribute('href') || a.getAttribute('xlink:href') || '')
  .filter(h => h.includes('evil'))"""


def test_the_padme_report_shows_the_imported_text_as_typed(hostile_db, browser):  # noqa: F811
    require_chromium()
    with streamlit_app(hostile_db, "streamlit-literal.log") as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/padme?level=province&area=30&padme_project={quote(PROJECT_ID)}", wait_until="domcontentloaded")
        wait_for_run(page)
        page.wait_for_selector('[data-testid="stTable"]', timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "literal-padme.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.evaluate(LINKS) == []  # no a[href*="evil"], in HTML or in a chart's SVG
        made = page.evaluate(MADE)
        assert made["blocks"] >= len(FIELDS) + len(REPORT) and made["found"] == [], made["found"]
        record = page.locator('[data-testid="stTable"]').first.inner_text().replace(fmt.JOINER, "")
        for value in FIELDS.values():
            assert value in record, value
        for value in REPORT.values():  # line breaks stay line breaks (HTML collapses a line's indent, as for any text)
            assert all(line.strip() in record for line in value.splitlines()), (value, record)
        body = page.inner_text("body").replace(fmt.JOINER, "")
        assert PROJECT_ID in body and CORE in body
        page.close()

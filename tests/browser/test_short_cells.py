"""On a desktop screen a short value in a table — a month, a department, a node, a button — reads
on one line: a table wider than its card scrolls inside it rather than squeezing such a column to a
character a line (the cockpit's months, the gap table's nodes and the weekly report's departments
had read "202/6年/1月", "动力/电池", "投资促进/三科")."""

from __future__ import annotations

import pytest

from tests.browser.test_officer_journey import _login
from tests.conftest import needs_data

pytestmark = [pytest.mark.browser, needs_data]

PAGES = ["/", "/analysis/gaps/nev/", "/targets/node/nev-separator/", "/projects/", "/dispatch/?week=2025-W13",
         "/dispatch/targets/", "/dispatch/analytics/", "/audit/"]

#: Cells of at most this many characters (their visible text) whose lines are counted: a Chinese
#: name or label; in English a word or two.
SHORT = {"zh-hans": 7, "en": 10}

# Data cells only: a header may take two lines (a numeric column stays narrow). Lines are counted on
# the text itself (a badge's or a button's own box would count as one more), tops closer than half a
# line apart being one line.
WRAPPED = """(short) => [...document.querySelectorAll('td')].flatMap((cell) => {
  const text = cell.innerText.trim();  // a cell laid out on several lines on purpose is left out
  if (!text || text.length > short || text.includes('\\n') || cell.offsetParent === null) return [];
  const tops = [];
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange(); range.selectNodeContents(node);
    for (const box of range.getClientRects()) tops.push(box.top);
  }
  tops.sort((a, b) => a - b);
  const lines = tops.filter((top, i) => i === 0 || top - tops[i - 1] > 8).length;
  return lines > 1 ? [text.replace(/\\s+/g, ' ') + ' (' + lines + ')'] : [];
})"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])  # in English: no word broken inside (Upstr/eam)
def test_short_table_values_stay_on_one_line(page, live_server, transactional_db, demo, language):
    base = live_server.url
    _login(page, base, "admin")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    wrapped = {}
    for path in PAGES:
        assert page.goto(f"{base}{path}").status == 200, path
        if found := page.evaluate(WRAPPED, SHORT[language]):
            wrapped[path] = found[:5]
    assert wrapped == {}, f"short values broken over lines: {wrapped}"

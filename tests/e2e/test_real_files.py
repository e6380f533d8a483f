"""End to end in real Chromium: a whitespace-separated purchase log without an event column
(tests/data/real_shaped/purchase_log.txt: 50 lines, row 23 has the date 19970230 and row 41 lacks two
fields) is uploaded on the Data page, read with the detected whitespace delimiter, given the event
"purchase" for every row, and loaded: 48 rows, 2 rejected."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed"),
]

LOG = Path(__file__).resolve().parents[1] / "data" / "real_shaped" / "purchase_log.txt"


def pick(page: Any, label: str, option: str) -> None:
    """Choose `option` in the select box labelled `label` (Streamlit's own dropdown)."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()


def test_whitespace_purchase_log_with_a_constant_event(tmp_path: Path) -> None:
    from dashboard.browser import chromium, dashboard, settle

    with dashboard(tmp_path / "ws.duckdb") as url, chromium() as page:
        page.goto(url)
        settle(page)
        page.locator('input[type="file"]').set_input_files([str(LOG)])
        settle(page)
        assert "Read as csv, delimiter whitespace" in page.inner_text("body")
        assert page.get_by_role("combobox", name="Delimiter").input_value() == "detected: whitespace"
        pick(page, "This file holds", "events — behaviour log (user, event, time)")
        settle(page)
        assert "Choose a column for event" in page.inner_text("body")
        pick(page, "event *", "(one value for every row)")
        settle(page)
        page.get_by_label("Value of event for every row").fill("purchase")
        page.get_by_label("Value of event for every row").press("Enter")
        settle(page)
        body = page.inner_text("body")
        assert "Times in ts ← 'date'" in body and "yyyymmdd" in body
        page.get_by_role("button", name="Load 1 file").click()
        settle(page, timeout=120)
        body = page.inner_text("body")
        assert "purchase_log.txt: 2 rows rejected (4.0% of 50)" in body
        # the sidebar's row counts: 48 events loaded
        assert re.search(r"Events\s+48\b", page.get_by_test_id("stSidebar").inner_text())

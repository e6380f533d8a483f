"""End to end in real Chromium: upload CSVs through the file input, see the retention heatmap,
download the report."""

from __future__ import annotations

import gzip
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed"),
]


def test_upload_retention_heatmap_and_report_download(sample_data_dir: Path, tmp_path: Path) -> None:
    from dashboard.browser import chromium, dashboard, open_page, settle

    events = tmp_path / "events.csv"
    with gzip.open(sample_data_dir / "events.csv.gz", "rb") as src, open(events, "wb") as out:
        shutil.copyfileobj(src, out)
    requirements = tmp_path / "requirements.csv"
    shutil.copy(sample_data_dir / "requirements.csv", requirements)
    n_events = sum(1 for _ in events.open()) - 1

    with dashboard(tmp_path / "ws.duckdb") as url, chromium() as page:
        page.goto(url)
        settle(page)
        assert page.get_by_role("heading", name="Data").count() >= 1
        page.locator('input[type="file"]').set_input_files([str(events), str(requirements)])
        settle(page)
        # the detected mapping is shown before loading
        assert page.get_by_text("events.csv", exact=False).count() >= 1
        page.get_by_role("button", name="Load 2 files").click()
        settle(page, timeout=180)
        assert page.get_by_text("Last load").count() == 1
        body = page.inner_text("body")
        # the sample's deliberate bad rows are reported, the rest is loaded (sidebar row count)
        assert "events.csv: 3 rows rejected" in body
        assert f"{n_events - 3:,}" in page.get_by_test_id("stSidebar").inner_text()

        open_page(page, "Retention")
        heatmap = page.locator(".js-plotly-plot").first
        heatmap.wait_for(timeout=60_000)
        assert page.locator("text=Retention by cohort").count() >= 1
        assert page.locator(".js-plotly-plot .heatmaplayer").count() >= 1

        open_page(page, "Report")
        with page.expect_download(timeout=120_000) as info:
            page.get_by_role("button", name="HTML").click()
        html = Path(info.value.path()).read_text(encoding="utf-8")
        assert info.value.suggested_filename == "prioritised-requirements.html"
        assert "<html" in html.lower() and "Prioritised requirements" in html
        assert "R01" in html
        # stamped when downloaded, not when a cached report was built (issue 12)
        now = datetime.now(UTC)
        assert any(f"Generated {t:%Y-%m-%d %H:%M} UTC" in html
                   for t in (now, now - timedelta(minutes=1), now - timedelta(minutes=2)))

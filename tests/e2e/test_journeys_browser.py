"""End to end in real Chromium (issue 16): the Journeys page on the sample workspace draws the Sankey of
the paths from onboarding_started, with the help-article journey in it, and the top paths table."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed"),
]


def test_journeys_page_shows_the_sankey_and_the_top_paths(demo_workspace: Path) -> None:
    from dashboard.browser import chromium, dashboard, open_page, settle

    path = demo_workspace

    with dashboard(path) as url, chromium() as page:
        page.goto(url)
        settle(page)
        open_page(page, "Journeys")
        sankey = page.locator(".js-plotly-plot .sankey").first
        sankey.wait_for(timeout=60_000)
        settle(page)
        nodes = page.locator(".js-plotly-plot .sankey .node-label").all_text_contents()  # SVG text
        assert "onboarding_started" in nodes and "help_article_viewed" in nodes
        assert page.locator(".js-plotly-plot .sankey .sankey-link").count() >= 5
        assert page.get_by_text("User paths from onboarding_started").count() >= 1
        assert page.get_by_role("heading", name="Top paths").count() == 1
        # the table is drawn on a canvas beside a screen-reader grid of its cells (the rule editor is hidden)
        grid = page.locator('[data-testid="stDataFrame"]:visible').first
        grid.wait_for(timeout=30_000)
        cells = grid.locator('td[role="gridcell"]').all_text_contents()  # hidden from the a11y tree
        assert any(c.startswith("onboarding_started → help_article_viewed") for c in cells)
        # the step matrix with converted vs not renders too, and nothing on the page failed
        assert page.locator(".js-plotly-plot .heatmaplayer").count() == 2
        assert page.get_by_test_id("stException").count() == 0
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0

"""End to end in real Chromium: read intents on the Feedback themes page, label the proposed texts from
the keyboard (type the intent's number, press Enter), learn from the labels and see the intents change."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed"),
]

def intent_line(page) -> str:
    """The 'Intents: praise 120 · ...' line of the Labelling section."""
    return page.locator("p", has_text=re.compile(r"^Intents:")).first.inner_text()


def test_label_texts_and_see_the_intents_change(demo_workspace: Path, tmp_path: Path) -> None:
    from dashboard.browser import chromium, dashboard, open_page, settle

    path = demo_workspace

    with dashboard(path) as url, chromium() as page:
        page.goto(url)
        settle(page)
        open_page(page, "Feedback themes")
        page.get_by_role("button", name="Read intents").click()
        settle(page, timeout=600)
        assert "zero-shot" in page.inner_text("body")
        before = intent_line(page)

        labelled = []
        for number in ("1", "1", "3", "3"):  # bug report, bug report, praise, praise
            proposed = page.locator("p", has_text="Label this text next").first.inner_text()
            labelled.append(proposed.rsplit("(", 1)[1].split(")")[0])
            box = page.get_by_label(re.compile("Or type the intent's number"))
            box.fill(number)
            box.press("Enter")
            settle(page)
            assert f"Labelled {labelled[-1]} as" in page.inner_text("body")
        assert len(set(labelled)) == 4  # each save proposes the next text

        page.get_by_role("button", name=re.compile(r"^Learn from 4 labels")).click()
        settle(page, timeout=600)
        body = page.inner_text("body")
        assert "self-training" in body
        after = intent_line(page)
        assert after != before, (before, after)
        page.screenshot(path=str(tmp_path / "labelling.png"))  # kept with the test's files for a look

"""AppTest of the Report page: options, preview and the six downloads."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from analytics import prioritise
from analytics.workspace import Workspace
from tests.helpers import texts


def test_report_preview_and_downloads(app: AppTest, sample_ws_file: Path) -> None:
    ws = Workspace(sample_ws_file)
    try:
        wsjf = prioritise.prioritise(ws.con, method="wsjf")
    finally:
        ws.close()
    app.switch_page("app_pages/report.py").run()
    assert not app.exception
    shown = texts(app)
    assert "Key findings" in shown and "Data sources" in shown
    labels = sorted(b.label for b in app.get("download_button"))
    assert labels == sorted(["HTML", "PDF", "Excel", "Markdown", "CSV (ranking)", "JSON"])
    app.selectbox(key="rep-method").select("wsjf").run()
    assert not app.exception
    ranking = app.dataframe[0].value
    assert list(ranking["req_id"][:3]) == wsjf["req_id"].to_list()[:3]
    assert "Ranking — WSJF" in texts(app)
    app.text_input(key="rep-title").input("Q3 <b>plan</b>").run()
    assert not app.exception
    assert r"## Q3 \<b\>plan\</b\>" in texts(app)  # user text is escaped, never HTML

"""Issue 12: a report without a backlog says what is known and what a backlog would add (item 5); the
Markdown shows "&" and "<" as written, not "&amp;" (item 13); counts read "1 row", "2 rows"."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from analytics.errors import UserLensError
from analytics.ingest import ingest_file
from analytics.report import build_report, render_bytes
from analytics.report.model import NO_BACKLOG
from embeddings.store import new_run_id, write_clusters


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def no_backlog(ws, tmp_path: Path):
    """Events of two users, feedback with one unusable row (empty text), no requirements."""
    ingest_file(ws, "events", _csv(tmp_path / "e.csv", "user_id,event,timestamp\n"
                                   "u1,open,2024-01-01T10:00:00Z\nu1,open,2024-01-08T10:00:00Z\n"
                                   "u2,open,2024-01-02T10:00:00Z\nu2,open,2024-01-20T10:00:00Z\n"))
    ingest_file(ws, "feedback", _csv(tmp_path / "f.csv", "feedback_id,user_id,text\nf1,u1,R&D <b>rocks</b>\n"
                                     "f2,u2,slow sync\nf3,u2,\n"))
    clusters = [{"id": 0, "name": "R&D <b>", "size": 2, "share": 1.0, "keywords": ["r&d"],
                 "quotes": ["R&D <b>rocks</b>"], "confidence": 0.5, "figures": {"mean_rating": None}}]
    write_clusters(ws, kind="themes", run_id=new_run_id("themes"), params={}, summary={"n_items": 2},
                   clusters=clusters, members=pl.DataFrame({"feedback_id": ["f1", "f2"], "theme_id": [0, 0]}))
    return ws


def test_a_workspace_without_a_backlog_still_gets_a_report(no_backlog) -> None:
    report = build_report(no_backlog.con)
    assert report.ranking == [] and not report.backlog.available
    assert report.backlog.message == NO_BACKLOG
    assert report.findings[0] == NO_BACKLOG + "."
    assert "would add the ranked requirements, the value/effort matrix" in report.findings[0]
    # what is known: the theme run, the retention headline (u1 back in week 2: 1 of 2 users -> 50 %)
    assert report.themes.available and [t.name for t in report.themes.themes] == ["R&D <b>"]
    assert "1 feedback theme; the largest is R&D <b> (2 items, 100.0 % of the items)." in report.findings
    assert "Average retention week 1 50.0 % over 1 weekly cohort (2 users)." in report.findings
    # one feedback row had no text: "1 row rejected", never "1 rows"
    assert "6 rows loaded from 2 files; 1 row rejected (reasons under Data sources)." in report.findings


def test_every_format_renders_without_a_backlog(no_backlog) -> None:
    report = build_report(no_backlog.con)
    html = render_bytes(report, "html").decode()
    assert "No backlog loaded" in html and 'id="theme-table"' in html and 'id="ranking"' not in html
    md = render_bytes(report, "md").decode()
    assert "> No backlog loaded." in md and "## Feedback themes" in md
    doc = json.loads(render_bytes(report, "json"))
    assert doc["backlog"] == {"available": False, "message": NO_BACKLOG} and doc["ranking"] == []
    assert render_bytes(report, "csv").decode("utf-8-sig").startswith("rank,req_id,title,score")
    wb = openpyxl.load_workbook(io.BytesIO(render_bytes(report, "xlsx")))
    assert wb["Ranking"]["A1"].value == NO_BACKLOG
    assert wb["Themes"]["B2"].value == "R&D <b>"


def test_markdown_shows_ampersands_and_brackets_as_written(no_backlog) -> None:
    md = render_bytes(build_report(no_backlog.con), "md").decode()
    assert "&amp;" not in md and "&lt;" not in md  # was "R&amp;D" (escaped twice on screen)
    assert r"R\&D \<b\>" in md  # a backslash keeps it inert in Markdown and reads as "R&D <b>"
    assert "<b>" not in md


def test_an_empty_workspace_has_nothing_to_report(ws) -> None:
    with pytest.raises(UserLensError, match="holds no data yet"):
        build_report(ws.con)

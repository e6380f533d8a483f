"""The report's proposed requirements and its intent/sentiment filter, on the hand-made workspace of
voice_seed.py (expected values counted by hand from its table)."""

from __future__ import annotations

import json

import pytest

from analytics.errors import UserLensError
from analytics.report import build_report, render_bytes
from tests.analytics.voice_seed import plant_voice


@pytest.fixture
def voice_ws(ws):
    from embeddings.proposals import propose_requirements

    plant_voice(ws)
    propose_requirements(ws)
    return ws


def test_report_lists_the_proposed_requirements(voice_ws) -> None:
    report = build_report(voice_ws.con)
    assert report.voice_filter == "all feedback"
    assert [r.req_id for r in report.ranking] == ["R1", "R2"]  # RICE 160 and 25
    assert report.proposals.available
    [p] = report.proposals.proposals
    assert (p.title, p.evidence_count, p.distinct_users, p.personas, p.status) == (
        "Dark, mode", 3, 2, ["Night owls"], "proposed")
    md = render_bytes(report, "md").decode()
    assert "## Proposed requirements" in md and "3 feature requests, 2 users, personas: Night owls" in md
    html = render_bytes(report, "html").decode()
    assert 'id="proposal-table"' in html and 'id="voice-filter"' not in html
    assert json.loads(render_bytes(report, "json"))["proposals"]["proposals"][0]["distinct_users"] == 2


def test_report_filtered_by_intent(voice_ws) -> None:
    report = build_report(voice_ws.con, intents=["bug report"])
    assert report.voice_filter == "intent bug report"
    assert report.generation.options["intents"] == ["bug report"]
    assert [r.req_id for r in report.ranking] == ["R1"]
    assert [(t.name, t.size) for t in report.themes.themes] == [("crash", 2)]
    assert [(p.name, p.size) for p in report.personas.personas] == [("Others", 1)]  # u3 (F6 has no user)
    assert not report.proposals.available
    assert "Filtered to feedback of intent bug report" in render_bytes(report, "md").decode()
    assert 'id="voice-filter"' in render_bytes(report, "html").decode()


def test_report_filtered_by_sentiment(voice_ws) -> None:
    report = build_report(voice_ws.con, sentiments=["positive"])
    assert [r.req_id for r in report.ranking] == ["R2"]  # F5 praise, positive
    assert [(t.name, t.size) for t in report.themes.themes] == [("dark, mode", 1)]  # F2
    assert sorted((p.name, p.size) for p in report.personas.personas) == [("Night owls", 1), ("Others", 1)]
    assert [p.title for p in report.proposals.proposals] == ["Dark, mode"]
    nothing = build_report(voice_ws.con, intents=["praise"], sentiments=["negative"])
    assert nothing.ranking == [] and "No requirement has linked feedback of" in nothing.backlog.message


def test_unknown_intent_is_refused_with_the_known_ones(voice_ws) -> None:
    with pytest.raises(UserLensError, match="Unknown intent 'bugs': the latest intents run has 'feature "
                                            "request', 'bug report', 'praise'"):
        build_report(voice_ws.con, intents=["bugs"])
    with pytest.raises(UserLensError, match="Unknown sentiment 'angry'"):
        build_report(voice_ws.con, sentiments=["angry"])


def test_cli_report_intent_and_sentiment(voice_ws, tmp_path, capsys) -> None:
    from dashboard.cli import main

    path = tmp_path / "ws.duckdb"
    voice_ws.con.execute(f"ATTACH '{path}' AS disk")
    voice_ws.con.execute("COPY FROM DATABASE memory TO disk")
    voice_ws.con.execute("DETACH disk")
    out = tmp_path / "r.json"
    assert main(["report", "--workspace", str(path), "--out", str(out), "--intent", "bug report",
                 "--sentiment", "negative,positive"]) == 0
    doc = json.loads(out.read_text())
    assert doc["voice_filter"] == "intent bug report · sentiment negative or positive"
    assert [r["req_id"] for r in doc["ranking"]] == ["R1"]
    assert main(["report", "--workspace", str(path), "--out", str(out), "--sentiment", "angry"]) != 0
    assert "Unknown sentiment 'angry'" in capsys.readouterr().err

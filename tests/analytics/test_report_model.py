"""The report model: ranking, evidence, Kano, personas, retention and sources from a hand-built workspace."""

from __future__ import annotations

import json

import pytest
from report_seed import HOSTILE, seed

from analytics.errors import UserLensError
from analytics.report import build_report, format_for, render_bytes
from analytics.report.model import NO_EVENTS, NO_EVIDENCE, NO_KANO, NO_PERSONAS


def test_ranking_scores_and_inputs_match_rice_by_hand(ws):
    seed(ws)
    report = build_report(ws.con)
    assert [(r.req_id, r.score) for r in report.ranking] == [
        ("R2", 1500.0),
        ("R1", 800.0),
        ("R3", 200.0),
        ("R4", 40.0),
    ]
    r4 = report.ranking[3]
    assert r4.flags == ["effort"]
    effort = next(i for i in r4.inputs if i.name == "effort")
    assert (effort.value, effort.source) == (1.0, "default")
    assert any("default" in p for p in r4.provenance)
    assert report.method.inputs == ["reach", "impact", "confidence", "effort"]
    # value/effort matrix point of R3: 200 x 1 x 0.5 = 100 at effort max(0.25, 0.5) = 0.5
    r3 = report.ranking[2]
    assert (r3.value, r3.effort, r3.quadrant) == (100.0, 0.5, "fill-in")


def test_evidence_personas_and_quotes(ws):
    seed(ws)
    r1 = next(r for r in build_report(ws.con).ranking if r.req_id == "R1")
    assert (r1.evidence_count, r1.evidence_users, r1.personas_affected) == (3, 3, 2)
    assert r1.personas == ["Casual =users", "Power planners"]
    assert r1.quotes[0] == HOSTILE  # most similar first (0.9, 0.8, 0.5)
    assert len(r1.quotes) == 3
    assert len(next(r for r in build_report(ws.con, quotes=2).ranking if r.req_id == "R1").quotes) == 2


def test_kano_retention_personas_sources(ws):
    seed(ws)
    report = build_report(ws.con)
    export = next(f for f in report.kano.features if f.feature == "export")
    assert (export.category, export.better, export.worse) == ("O", 1.0, -0.75)
    dark = next(f for f in report.kano.features if f.feature == "dark")
    assert dark.category == "I" and dark.worse == pytest.approx(-1 / 3)
    assert report.retention.available and report.retention.cohorts == 2 and report.retention.users == 3
    assert report.retention.average[0] == 100.0 and report.retention.average[1] == 50.0
    assert [p.name for p in report.personas.personas] == ["Power planners", "Casual =users"]
    assert [(s.kind, s.rows_rejected, s.reject_reasons) for s in report.sources] == [
        ("requirements", 1, {"missing req_id": 1}),
        ("feedback", 2, {"empty text": 2}),
    ]
    assert report.evidence.requirements_with_evidence == 2
    assert report.evidence.params == {"threshold": 0.4}


def test_missing_parts_degrade_with_a_reason(ws):
    seed(ws, kano=False, evidence=False, events=False)
    report = build_report(ws.con, method="wsjf")
    assert not report.kano.available and report.kano.message == NO_KANO
    assert not report.evidence.available and report.evidence.message == NO_EVIDENCE
    assert not report.personas.available and report.personas.message == NO_PERSONAS
    assert not report.retention.available and report.retention.message == NO_EVENTS
    assert f"{NO_KANO}." in report.findings and f"{NO_EVIDENCE}." in report.findings
    assert all(r.quotes == [] for r in report.ranking)
    html = render_bytes(report, "html").decode()
    md = render_bytes(report, "md").decode()
    for text in (
        "No Kano survey loaded",
        "Evidence not computed yet",
        "Personas not computed yet",
    ):
        assert text in html and text in md
    # the same report is read in the dashboard: no part tells its reader to run a command (issue 12)
    parts = (report.kano, report.evidence, report.personas, report.retention)
    assert not any("userlens" in p.message for p in parts)


def test_findings_are_computed_from_the_model(ws):
    seed(ws)
    findings = build_report(ws.con).findings
    assert findings[0].startswith("4 requirements ranked by RICE; the top 3: R2")
    assert "1 of 4 requirements uses a default for a missing input — effort (1)" in findings[1]
    assert "Average retention week 1 50.0 %" in " ".join(findings)


def test_weights_and_method_are_stated(ws):
    seed(ws)
    report = build_report(ws.con, method="rice", weights={"reach": 2}, title="Q3 planning")
    assert report.title == "Q3 planning"
    assert report.method.weights["reach"] == 2.0 and report.method.default_weights["reach"] == 1.0
    # reach squared: R1 1000^2 x 2 x 0.8 / 2 = 800000 ranks first
    assert report.ranking[0].req_id == "R1" and report.ranking[0].score == pytest.approx(800000)
    doc = json.loads(render_bytes(report, "json"))
    assert doc["method"]["weights"]["reach"] == 2.0 and doc["generation"]["options"]["weights"] == {
        "reach": 2
    }


def test_errors_a_user_can_act_on(ws):
    with pytest.raises(UserLensError, match="holds no data yet"):
        build_report(ws.con)
    seed(ws)
    with pytest.raises(UserLensError, match="Unknown prioritisation method"):
        build_report(ws.con, method="moscow")
    with pytest.raises(UserLensError, match="end the file name with"):
        format_for("report.docx")
    assert format_for("R.PDF") == "pdf" and format_for("x.htm") == "html"


@pytest.mark.parametrize("method", ["ice", "wsjf", "value-effort", "weighted", "kano"])
def test_every_method_builds(ws, method):
    seed(ws)
    report = build_report(ws.con, method=method)
    assert sorted(r.req_id for r in report.ranking) == ["R1", "R2", "R3", "R4"]
    assert [r.rank for r in report.ranking] == [1, 2, 3, 4]
    if method == "weighted":
        assert all(i.normalised is not None for i in report.ranking[0].inputs)
    if method == "kano":  # O (class 3) before I (class 1) before no category
        assert [r.req_id for r in report.ranking][:2] == ["R1", "R3"]

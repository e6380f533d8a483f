"""Inputs derived from user evidence and Kano results, with provenance; sensitivity; the CLI JSON."""

from __future__ import annotations

import json

import pytest

from analytics.prioritise import prioritise
from analytics.prioritise_inputs import evidence_confidence, kano_impact
from analytics.sensitivity import sensitivity
from analytics.workspace import open_workspace
from dashboard.cli import main
from tests.analytics.test_prioritise import add_reqs, by_id, kano_answers


def add_evidence(con, run: str, req: str, users: list[str | None], similarity: float = 0.6) -> None:
    con.executemany("INSERT INTO requirement_evidence VALUES (?, ?, ?, ?, ?)",
                    [[run, req, f"{run}-{req}-fb{i}", u, similarity] for i, u in enumerate(users)])


@pytest.fixture
def evidence_ws(ws):
    con = ws.con
    con.execute("""INSERT INTO analysis_runs VALUES ('ev-old', 'evidence', NULL, NULL, '2024-01-01'),
                   ('ev-new', 'evidence', NULL, NULL, '2024-02-01'),
                   ('th', 'themes', NULL, NULL, '2024-03-01')""")
    add_evidence(con, "ev-old", "E1", [f"o{i}" for i in range(50)])  # an older run: ignored
    add_evidence(con, "ev-new", "E1", ["u1", "u1", "u2", None])       # 4 items, 2 distinct users
    add_evidence(con, "ev-new", "E2", [f"u{i}" for i in range(25)], similarity=0.62)
    add_evidence(con, "ev-new", "E3", [f"u{i}" for i in range(25)], similarity=0.41)
    add_evidence(con, "ev-new", "E4", [None, None, None])
    add_reqs(con, dict(req_id="E1", impact=1, effort=1),
             dict(req_id="E2", reach=900, impact=1, effort=1),
             dict(req_id="E3", impact=1, effort=1),
             dict(req_id="E4", impact=1, confidence=1, effort=1),
             dict(req_id="E5", impact=1, confidence=1, effort=1))
    return ws


def test_reach_and_confidence_from_latest_evidence_run(evidence_ws) -> None:
    rows = by_id(prioritise(evidence_ws.con, method="rice"))
    e1 = rows["E1"]
    assert (e1["reach"], e1["reach_source"]) == (2, "evidence")
    assert "reach 2: distinct users in 4 matching feedback items (evidence run ev-new)" in e1["provenance"]
    assert (e1["confidence"], e1["confidence_source"]) == (0.5, "evidence") and e1["flags"] == []
    assert e1["score"] == pytest.approx(2 * 1 * 0.5 / 1)
    # the backlog's reach wins over evidence; 25 users with mean similarity 0.62 -> high confidence
    e2 = rows["E2"]
    assert (e2["reach"], e2["reach_source"], e2["confidence"]) == (900, "backlog", 1.0)
    # 25 users but weak agreement (0.41, no Kano) -> medium
    assert (rows["E3"]["reach"], rows["E3"]["confidence"]) == (25, 0.8)
    assert rows["E4"]["reach"] == 3 and "none with a user id" in rows["E4"]["provenance"]
    assert rows["E5"]["reach"] == 0 and "no feedback matched" in rows["E5"]["provenance"]
    preferred = by_id(prioritise(evidence_ws.con, method="rice", prefer_evidence_reach=True))["E2"]
    assert preferred["reach"] == 25 and "preferred over the backlog's 900" in preferred["provenance"]
    plain = by_id(prioritise(evidence_ws.con, method="rice", use_evidence=False))["E1"]
    assert plain["reach_source"] == "default" and plain["flags"] == ["reach", "confidence"]


def test_impact_from_kano_feature(ws) -> None:
    kano_answers(ws.con, "Reliable sync", {"M": 6, "O": 2, "A": 1, "I": 1})  # M, Worse -.8 -> 3
    add_reqs(ws.con, dict(req_id="K1", kano_feature=" reliable SYNC", reach=100, confidence=1, effort=1),
             dict(req_id="K2", kano_feature="Reliable sync", reach=100, impact=0.5, confidence=1, effort=1))
    rows = by_id(prioritise(ws.con, method="rice"))
    assert (rows["K1"]["impact"], rows["K1"]["impact_source"]) == (3, "kano")
    assert "Kano category M of 'Reliable sync' (Better 0.30, Worse -0.80, n=10)" in rows["K1"]["provenance"]
    assert (rows["K2"]["impact"], rows["K2"]["impact_source"]) == (0.5, "backlog")


@pytest.mark.parametrize(("args", "impact"), [
    (("M", 0.3, -0.8), 3), (("M", 0.3, -0.5), 2), (("O", 0.7, -0.4), 3), (("O", 0.5, -0.5), 2),
    (("A", 0.7, -0.1), 2), (("A", 0.5, -0.1), 1), (("I", 0.45, -0.1), 0.5), (("I", 0.2, -0.1), 0.25),
    (("R", None, None), 0.25), (("Q", 0.9, -0.9), 0.25), ((None, None, None), None)])
def test_kano_impact_mapping(args, impact) -> None:
    assert kano_impact(*args) == impact


def test_evidence_confidence_mapping() -> None:
    assert evidence_confidence(20, 0.5, False) == 1.0
    assert evidence_confidence(20, 0.3, True) == 1.0
    assert evidence_confidence(19, 0.9, True) == 0.8
    assert evidence_confidence(20, None, False) == 0.8
    assert evidence_confidence(5, None, False) == 0.8
    assert evidence_confidence(4, 0.9, True) == 0.5


def test_sensitivity_reports_top_changes(ws) -> None:
    # base RICE: B 150*3 = 450 > A 400; reach exponent 1.2: A 400^1.2 = 1324 > B 3*150^1.2 = 1225
    add_reqs(ws.con, dict(req_id="A", reach=400, impact=1, confidence=1, effort=1),
             dict(req_id="B", reach=150, impact=3, confidence=1, effort=1))
    out = sensitivity(ws.con, method="rice")
    assert out.height == 8 and set(out["weight"]) == {"reach", "impact", "confidence", "effort"}
    rows = {(r["weight"], r["change"]): r for r in out.iter_rows(named=True)}
    up, down = rows[("reach", "+20%")], rows[("reach", "-20%")]
    assert up["new_value"] == pytest.approx(1.2) and up["top1_changed"] and up["moved"] == 2
    assert up["kendall_tau"] == pytest.approx(-1.0) and up["overlap"] == 1.0 and up["entered"] == 0
    assert not down["top1_changed"] and down["kendall_tau"] == pytest.approx(1.0) and down["moved"] == 0
    # confidence is 1 for both: its exponent changes nothing
    assert rows[("confidence", "+20%")]["kendall_tau"] == pytest.approx(1.0)


def test_sensitivity_top_entered_and_left(ws) -> None:
    add_reqs(ws.con, *[dict(req_id=f"T{i:02d}", reach=100 + 10 * i, impact=1, confidence=1, effort=1)
                       for i in range(10)],
             dict(req_id="X", reach=15, impact=5.5, confidence=1, effort=1))  # 82.5: rank 11 of 11
    out = {(r["weight"], r["change"]): r for r in sensitivity(ws.con, method="rice").iter_rows(named=True)}
    # impact exponent 1.2: X 15 * 5.5^1.2 = 116.0 enters the top 10, T00 (100) leaves
    up = out[("impact", "+20%")]
    assert (up["entered"], up["left"], up["entered_ids"]) == (1, 1, ["X"]) and up["overlap"] == 0.9


def test_cli_json_shapes(tmp_path, capsys) -> None:
    path = str(tmp_path / "w.duckdb")
    con = open_workspace(path).con
    kano_answers(con, "Service app", {"M": 95, "O": 123, "A": 45, "I": 33})
    add_reqs(con, dict(req_id="R1", title="Fix sync", kano_feature="Service app", reach=2000, impact=2,
                       confidence=0.8, effort=4, business_value=8, time_criticality=5, risk_reduction=13),
             dict(req_id="R2", title="Widgets", reach=100))
    assert main(["kano", "--workspace", path, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (item,) = doc["features"]
    assert item["feature"] == "Service app" and item["n"] == 296 and item["category"] == "O"
    assert item["counts"] == {"A": 45, "O": 123, "M": 95, "I": 33, "R": 0, "Q": 0}
    assert round(item["better"], 3) == 0.568 and item["significant"] is True
    assert main(["kano", "--workspace", path, "--table", "pouliot", "--format", "table"]) == 0
    assert "Service app" in capsys.readouterr().out
    assert main(["prioritise", "--workspace", path, "--method", "wsjf", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["method"] == "wsjf" and [r["req_id"] for r in doc["ranking"]] == ["R1", "R2"]
    assert doc["ranking"][0]["score"] == pytest.approx(5.2) and doc["ranking"][0]["title"] == "Fix sync"
    assert doc["ranking"][1]["flags"] == ["business_value", "time_criticality", "risk_reduction", "job_size"]
    assert main(["prioritise", "--workspace", path, "--weight", "reach=2", "--sensitivity"]) == 0
    out = capsys.readouterr().out
    assert "RICE = reach" in out and "R2: " in out and "effort 4 (default: missing in backlog" in out
    assert main(["prioritise", "--workspace", path, "--weight", "reach"]) == 2
    assert "NAME=NUMBER" in capsys.readouterr().err
    assert main(["kano", "--workspace", path, "--segment", "country"]) == 2
    assert "Choose one of: persona, cohort" in capsys.readouterr().err
    empty = str(tmp_path / "empty.duckdb")
    assert main(["prioritise", "--workspace", empty, "--format", "json"]) == 2
    assert "userlens ingest requirements" in capsys.readouterr().err

"""Prioritisation methods with hand-computed scores, quadrants, Kano ordering and flagged defaults."""

from __future__ import annotations

import math

import pytest

from analytics.errors import UserLensError
from analytics.prioritise import METHOD_DESCRIPTIONS, METHODS, prioritise, prioritise_json
from analytics.prioritise_inputs import fibonacci_job_size, to_ice

COLS = ("req_id", "title", "kano_feature", "reach", "impact", "confidence", "effort", "cost",
        "business_value", "time_criticality", "risk_reduction", "properties")


def add_reqs(con, *rows: dict) -> None:
    for r in rows:
        con.execute(f"INSERT INTO requirements ({', '.join(COLS)}) VALUES ({', '.join('?' * len(COLS))})",
                    [r.get(c, r["req_id"] if c == "title" else None) for c in COLS])


def by_id(frame) -> dict:
    return {r["req_id"]: r for r in frame.iter_rows(named=True)}


def test_rice_check_value_and_minimum_effort(ws) -> None:
    add_reqs(ws.con, dict(req_id="R1", reach=2000, impact=2, confidence=0.8, effort=4),
             dict(req_id="R2", reach=500, impact=3, confidence=1.0, effort=0.25),
             dict(req_id="R3", reach=100, impact=1, confidence=0.5, effort=1))
    out = prioritise(ws.con, method="rice")
    assert out["req_id"].to_list() == ["R2", "R1", "R3"]
    rows = by_id(out)
    assert rows["R1"]["score"] == pytest.approx(800.0)
    assert rows["R2"]["score"] == pytest.approx(500 * 3 * 1.0 / 0.5)  # effort raised to 0.5
    assert "raised to the minimum 0.5" in rows["R2"]["provenance"]
    assert rows["R3"]["score"] == pytest.approx(50.0)
    assert out["rank"].to_list() == [1, 2, 3]
    assert out["flags"].to_list() == [[], [], []] and set(out["reach_source"]) == {"backlog"}


def test_wsjf_check_value_and_job_size_property(ws) -> None:
    add_reqs(ws.con, dict(req_id="W1", effort=4, business_value=8, time_criticality=5, risk_reduction=13),
             dict(req_id="W2", effort=1, business_value=8, time_criticality=5, risk_reduction=13,
                  properties='{"job_size": 8}'))
    rows = by_id(prioritise(ws.con, method="wsjf"))
    assert rows["W1"]["job_size"] == 5 and rows["W1"]["score"] == pytest.approx(5.2)
    assert rows["W2"]["job_size"] == 8 and rows["W2"]["score"] == pytest.approx(26 / 8)
    assert rows["W2"]["job_size_source"] == "backlog"
    assert "rounded up to modified Fibonacci" in rows["W1"]["provenance"]


@pytest.mark.parametrize(("effort", "size"), [(0.5, 1), (1, 1), (1.5, 2), (4, 5), (5, 5), (13, 13), (14, 20),
                                              (40, 20)])
def test_fibonacci_job_size(effort: float, size: int) -> None:
    assert fibonacci_job_size(effort) == size


def test_ice_on_its_own_scale_and_from_rice_scale(ws) -> None:
    add_reqs(ws.con, dict(req_id="I1", impact=8, confidence=7, properties='{"ease": 6}'),
             dict(req_id="I2", impact=4, confidence=2, effort=4))
    rows = by_id(prioritise(ws.con, method="ice"))
    assert rows["I1"]["score"] == pytest.approx(8 * 7 * 6)
    # ease from effort 4: 10 - 2*log2(4/0.5) = 4
    assert rows["I2"]["ease"] == pytest.approx(4.0) and rows["I2"]["score"] == pytest.approx(4 * 2 * 4)


def test_ice_maps_rice_scale_values(ws) -> None:
    add_reqs(ws.con, dict(req_id="I3", impact=2, confidence=0.8, effort=1),
             dict(req_id="I4", impact=0.25, confidence=0.5, effort=0.5))
    rows = by_id(prioritise(ws.con, method="ice"))
    assert (rows["I3"]["impact"], rows["I3"]["confidence"], rows["I3"]["ease"]) == (8, 8, 8)
    assert rows["I3"]["score"] == pytest.approx(512)
    assert rows["I4"]["score"] == pytest.approx(1 * 5 * 10)
    assert to_ice("impact", 1.5) == pytest.approx(6.5) and to_ice("impact", 3) == 10


def test_weighted_normalisation_by_hand(ws) -> None:
    add_reqs(ws.con, dict(req_id="A", reach=100, impact=1, effort=1),
             dict(req_id="B", reach=300, impact=3, effort=5),
             dict(req_id="C", reach=200, impact=2, effort=3),
             dict(req_id="D", reach=None, impact=2, effort=3))
    w = {"reach": 2, "impact": 1, "effort": 1, "confidence": 0, "business_value": 0}
    out = prioritise(ws.con, method="weighted", weights=w)
    rows = by_id(out)
    # reach 100..300 -> 0/100/50, impact 1..3 -> 0/100/50/50, effort inverted 1..5 -> 100/0/50/50
    assert rows["A"]["score"] == pytest.approx((2 * 0 + 0 + 100) / 4)
    assert rows["B"]["score"] == pytest.approx((2 * 100 + 100 + 0) / 4)
    assert rows["C"]["score"] == pytest.approx((2 * 50 + 50 + 50) / 4)
    # D's reach is a default: it scores the neutral 50 and is flagged
    assert rows["D"]["reach_score"] == 50 and rows["D"]["flags"] == ["reach"]
    assert rows["D"]["score"] == pytest.approx((2 * 50 + 50 + 50) / 4)
    assert out["req_id"].to_list()[:1] == ["B"] and out["req_id"].to_list()[-1] == "A"
    assert "confidence" not in out.columns  # weight 0: not used, not flagged
    with pytest.raises(UserLensError, match="no weight colour"):
        prioritise(ws.con, method="weighted", weights={"colour": 1})
    with pytest.raises(UserLensError, match="above 0"):
        prioritise(ws.con, method="weighted", weights={k: 0 for k in
                                                       ("reach", "impact", "confidence", "business_value",
                                                        "effort")})


def test_value_effort_quadrants_and_order(ws) -> None:
    add_reqs(ws.con, dict(req_id="Q1", reach=1000, impact=1, confidence=1, effort=1),
             dict(req_id="Q2", reach=100000, impact=1, confidence=1, effort=8),
             dict(req_id="Q3", reach=10, impact=1, confidence=1, effort=1),
             dict(req_id="Q4", reach=10, impact=1, confidence=1, effort=8))
    out = prioritise(ws.con, method="value-effort")
    # medians: value (10 + 1000) / 2 = 505, effort (1 + 8) / 2 = 4.5
    assert dict(zip(out["req_id"], out["quadrant"], strict=True)) == {
        "Q1": "quick win", "Q2": "big bet", "Q3": "fill-in", "Q4": "money pit"}
    assert out["req_id"].to_list() == ["Q1", "Q2", "Q3", "Q4"]  # quadrant first, though Q2 scores 12500
    assert by_id(out)["Q2"]["score"] == pytest.approx(12500)
    assert prioritise(ws.con, method="rice")["req_id"].to_list()[0] == "Q2"


def kano_answers(con, feature: str, counts: dict[str, int]) -> None:
    pair = {"A": (1, 3), "O": (1, 5), "M": (3, 5), "I": (3, 3)}
    rows = [[f"{feature}{cat}{i}", feature, *pair[cat]] for cat, k in counts.items() for i in range(k)]
    con.executemany("INSERT INTO kano_responses VALUES (?, ?, ?, ?, NULL, NULL, NULL, 1)", rows)


def test_kano_method_order_and_score(ws) -> None:
    kano_answers(ws.con, "Sync", {"M": 6, "O": 2, "A": 1, "I": 1})     # Better .3, Worse -.8
    kano_answers(ws.con, "Export", {"M": 5, "A": 2, "I": 3})           # Better .2, Worse -.5
    kano_answers(ws.con, "Search", {"O": 6, "M": 1, "A": 3})           # Better .9, Worse -.7
    kano_answers(ws.con, "AI", {"A": 6, "O": 2, "I": 2})               # Better .8, Worse -.2
    kano_answers(ws.con, "Themes", {"I": 8, "A": 2})                   # Better .2, Worse 0
    add_reqs(ws.con, *[dict(req_id=f"K{i}", kano_feature=f) for i, f in
                       enumerate(["Themes", "AI", "Search", "Export", "Sync", None, "Unknown"])])
    out = prioritise(ws.con, method="kano")
    assert out["req_id"].to_list() == ["K4", "K3", "K2", "K1", "K0", "K5", "K6"]
    rows = by_id(out)
    assert rows["K4"]["score"] == pytest.approx(100 * 4 + 10 * 0.8 + 0.3)
    assert rows["K2"]["score"] == pytest.approx(100 * 3 + 10 * 0.7 + 0.9)
    assert rows["K0"]["kano_category"] == "I" and rows["K0"]["score"] == pytest.approx(100 + 0.2)
    assert rows["K5"]["flags"] == ["kano_category"] and "no kano_feature" in rows["K5"]["provenance"]
    assert "no Kano answers for 'Unknown'" in rows["K6"]["provenance"]
    assert "must-be 4" in METHOD_DESCRIPTIONS["kano"]


def test_missing_fields_rank_with_flagged_defaults(ws) -> None:
    add_reqs(ws.con, dict(req_id="F1", reach=1000, impact=2, confidence=0.8, effort=2),
             dict(req_id="F2", reach=400, impact=1))
    out = prioritise(ws.con, method="rice")
    f2 = by_id(out)["F2"]
    assert f2["flags"] == ["confidence", "effort"]
    # effort defaults to the backlog median (F1's 2), not to a small number that would flatter F2
    assert f2["confidence"] == 0.5 and f2["effort"] == 2 and f2["score"] == pytest.approx(400 * 1 * 0.5 / 2)
    assert "effort 2 (default: missing in backlog; the backlog median)" in f2["provenance"]
    assert "confidence 0.5 (default: missing in backlog)" in f2["provenance"]
    assert (f2["effort_source"], f2["reach_source"]) == ("default", "backlog")
    custom = by_id(prioritise(ws.con, method="rice", defaults={"effort": 4}))["F2"]
    assert custom["score"] == pytest.approx(400 * 0.5 / 4) and "effort 4 (default" in custom["provenance"]
    with pytest.raises(UserLensError, match="No default can be set for colour"):
        prioritise(ws.con, defaults={"colour": 1})


def test_json_shape_and_methods(ws) -> None:
    add_reqs(ws.con, dict(req_id="R1", title="Fix sync", reach=2000, impact=2, confidence=0.8, effort=4))
    for method in METHODS:
        doc = prioritise_json(prioritise(ws.con, method=method), method)
        assert doc["method"] == method and doc["description"] == METHOD_DESCRIPTIONS[method]
        (item,) = doc["ranking"]
        assert {"req_id", "title", "score", "provenance", "flags", "quadrant"} <= item.keys()
        assert item["req_id"] == "R1" and item["title"] == "Fix sync" and math.isfinite(item["score"])
    with pytest.raises(UserLensError, match="Unknown prioritisation method"):
        prioritise(ws.con, method="moscow")


def test_empty_backlog(ws) -> None:
    assert prioritise(ws.con).is_empty()


def test_prioritise_figures(ws) -> None:
    from analytics.figures.prioritise import ranking_figure, value_effort_figure

    add_reqs(ws.con, dict(req_id="Q1", reach=1000, impact=1, confidence=1, effort=1),
             dict(req_id="Q2", reach=10, impact=1, effort=8))
    out = prioritise(ws.con, method="value-effort")
    fig = value_effort_figure(out)
    assert {t.name: list(t.text) for t in fig.data} == {"quick win": ["Q1"], "money pit": ["Q2"]}
    bars = ranking_figure(out).data[0]
    assert list(bars.y) == ["Q2 Q2", "Q1 Q1"] and list(bars.marker.pattern.shape) == ["/", ""]

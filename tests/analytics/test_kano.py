"""Kano results: published values, tie-breaks, Fong, DuMouchel by hand, segments, JSON."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.errors import UserLensError
from analytics.kano import kano_category, kano_json, kano_results
from analytics.workspace import Workspace

# an answer pair that lands in each category under both tables
PAIR = {"A": (1, 3), "O": (1, 5), "M": (3, 5), "I": (3, 3), "R": (5, 1), "Q": (1, 1)}
PUBLISHED = {  # stp25kano, counts M, O, A, I, R, Q
    "Service app": (95, 123, 45, 33, 0, 0),
    "Hotline": (15, 24, 121, 124, 6, 6),
    "Loan machine": (65, 87, 93, 51, 0, 0),
}


def insert_counts(con, feature: str, counts: dict[str, int], attrs: str | None = None) -> None:
    rows, i = [], 0
    for cat, k in counts.items():
        for _ in range(k):
            rows.append([f"r{i:03d}", feature, *PAIR[cat], attrs])
            i += 1
    con.executemany("INSERT INTO kano_responses VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)", rows)


def by_feature(frame) -> dict:
    return {r["feature"]: r for r in frame.iter_rows(named=True)}


@pytest.mark.parametrize("table", ["standard", "pouliot"])
def test_published_stp25kano(ws, table: str) -> None:
    for feature, counts in PUBLISHED.items():
        insert_counts(ws.con, feature, dict(zip("MOAIRQ", counts, strict=True)))
    out = by_feature(kano_results(ws.con, table=table))
    svc, hot, loan = out["Service app"], out["Hotline"], out["Loan machine"]
    assert svc["n"] == hot["n"] == loan["n"] == 296
    assert (svc["M"], svc["O"], svc["A"], svc["I"]) == (95, 123, 45, 33)
    assert round(svc["better"], 3) == 0.568 and round(svc["worse"], 3) == -0.736
    assert svc["fong_value"] == 28 and round(svc["fong_threshold"], 1) == 19.4 and svc["significant"]
    assert svc["category"] == "O"
    assert round(hot["better"], 3) == 0.511 and round(hot["worse"], 3) == -0.137
    assert hot["fong_value"] == 3 and round(hot["fong_threshold"], 1) == 19.8 and not hot["significant"]
    assert hot["category"] == "I"
    assert round(loan["better"], 3) == 0.608 and round(loan["worse"], 3) == -0.514
    assert loan["category"] == "A" and not loan["significant"]
    # strengths: Service app O 123 vs M 95 -> 28/296; total (A+O+M)/n = 263/296
    assert svc["category_strength"] == pytest.approx(28 / 296)
    assert svc["total_strength"] == pytest.approx(263 / 296)


def test_tie_breaks_follow_m_o_a_i_r_q() -> None:
    assert kano_category({"M": 5, "O": 5, "A": 5}) == "M"
    assert kano_category({"O": 5, "A": 5, "I": 5}) == "O"
    assert kano_category({"A": 3, "I": 3, "M": 1}) == "A"
    assert kano_category({"I": 2, "R": 2}) == "I"
    assert kano_category({"R": 1, "Q": 1}) == "R"
    assert kano_category({"Q": 2, "A": 1}) == "Q"


def test_threshold_tie_break() -> None:
    counts = {"A": 10, "M": 9, "I": 1}  # strength (10 - 9) / 20 = 0.05
    assert kano_category(counts) == "A"
    assert kano_category(counts, 0.04) == "A"  # strength above the threshold: mode stands
    assert kano_category(counts, 0.1) == "M"  # M (0.45) within 0.1 of A (0.5)
    assert kano_category({"A": 10, "O": 8, "I": 9}, 0.05) == "A"  # I within, but A outranks I
    assert kano_category({"I": 10, "O": 9, "A": 9}, 0.05) == "O"
    # R on top by far: strength 8/12 >= 0.5 keeps R; 0.9 looks at A/O/M/I with answers only
    assert kano_category({"R": 10, "A": 2}, 0.5) == "R"
    assert kano_category({"R": 10, "A": 2}, 0.9) == "A"


def test_threshold_option_in_results(ws) -> None:
    insert_counts(ws.con, "Export", {"A": 10, "M": 9, "I": 1})
    assert kano_results(ws.con)["category"][0] == "A"
    assert kano_results(ws.con, tie_break_threshold=0.1)["category"][0] == "M"
    with pytest.raises(UserLensError, match="between 0 and 1"):
        kano_results(ws.con, tie_break_threshold=5)


def test_fong_by_hand(ws) -> None:
    # n = 40, a = 20 (O), b = 10 (A): threshold 1.65 * sqrt(30 * 50 / 80) = 7.1447
    insert_counts(ws.con, "Search", {"O": 20, "A": 10, "I": 6, "Q": 4})
    r = kano_results(ws.con).row(0, named=True)
    assert r["fong_value"] == 10
    assert r["fong_threshold"] == pytest.approx(1.65 * math.sqrt(30 * 50 / 80))
    assert r["significant"]
    assert r["better"] == pytest.approx(30 / 36) and r["worse"] == pytest.approx(-20 / 36)


def test_better_worse_null_without_aomi(ws) -> None:
    insert_counts(ws.con, "Odd", {"R": 2, "Q": 1})
    r = kano_results(ws.con).row(0, named=True)
    assert r["better"] is None and r["worse"] is None and r["category"] == "R"


def test_dumouchel_by_hand_with_importance(ws) -> None:
    ws.con.executemany("INSERT INTO kano_responses VALUES (?, ?, ?, ?, ?, NULL, NULL, 1)", [
        ["a", "Sync", 1, 5, 3.0],   # functional like 4, dysfunctional dislike 4
        ["b", "Sync", 3, 3, 1.0],   # 0, 0
        ["c", "Sync", 2, 5, None],  # 2, 4; missing importance weighs as the mean (3+1)/2 = 2
        ["a", "Plain", 1, 5, None],
        ["b", "Plain", 3, 3, None],
        ["c", "Plain", 4, 2, None],  # live-with -1, must-be -1
    ])
    out = by_feature(kano_results(ws.con))
    assert out["Sync"]["functional_score"] == pytest.approx((3 * 4 + 1 * 0 + 2 * 2) / 6)
    assert out["Sync"]["dysfunctional_score"] == pytest.approx((3 * 4 + 1 * 0 + 2 * 4) / 6)
    assert out["Sync"]["mean_importance"] == pytest.approx(2.0)
    assert out["Plain"]["functional_score"] == pytest.approx((4 + 0 - 1) / 3)
    assert out["Plain"]["dysfunctional_score"] == pytest.approx((4 + 0 - 1) / 3)
    assert out["Plain"]["mean_importance"] is None


def test_segment_by_attribute_persona_cohort(ws) -> None:
    con = ws.con
    con.executemany("INSERT INTO kano_responses VALUES (?, 'Sync', ?, ?, NULL, ?, ?, 1)", [
        ["a", 1, 5, "u1", '{"plan": "pro"}'],
        ["b", 3, 5, "u2", '{"plan": "free"}'],
        ["c", 3, 3, "u3", None],
        ["d", 1, 3, None, '{"plan": ""}'],
    ])
    con.execute("""INSERT INTO users VALUES ('u1', NULL, '2024-01-31 23:30:00+00', NULL, 1),
        ('u2', NULL, NULL, NULL, 1), ('u3', NULL, NULL, '{"plan": "free"}', 1)""")
    con.execute("INSERT INTO events VALUES ('u2', 'open', '2024-03-02 10:00:00+00', NULL, NULL, 1)")
    plan = {r["segment"]: r for r in kano_results(con, segment="plan").iter_rows(named=True)}
    # u3 has no survey attribute: the linked user's plan is used; '' counts as no value
    assert {k: (v["n"], v["category"]) for k, v in plan.items()} == {
        "pro": (1, "O"), "free": (2, "M"), "(none)": (1, "A")}
    assert kano_json(kano_results(con, segment="plan"))["features"][0]["segment"] == "(none)"
    cohort = {r["segment"]: r["n"] for r in kano_results(con, segment="cohort").iter_rows(named=True)}
    assert cohort == {"2024-01": 1, "2024-03": 1, "(none)": 2}
    ws.set_setting("timezone", "Europe/Berlin")  # 23:30 UTC on Jan 31 is February in Berlin
    cohort = {r["segment"]: r["n"] for r in kano_results(con, segment="cohort").iter_rows(named=True)}
    assert cohort == {"2024-02": 1, "2024-03": 1, "(none)": 2}
    with pytest.raises(UserLensError, match="userlens personas"):
        kano_results(con, segment="persona")
    con.execute("""INSERT INTO analysis_runs VALUES ('p-old', 'personas', NULL, NULL, '2024-01-01'),
        ('p-new', 'personas', NULL, NULL, '2024-02-01')""")
    con.execute("INSERT INTO personas VALUES ('p-new', 0, 'Power users', 2, [], [], NULL)")
    con.execute("""INSERT INTO persona_members (run_id, user_id, persona_id)
        VALUES ('p-old', 'u1', 1), ('p-new', 'u1', 0),
        ('p-new', 'u2', 0), ('p-new', 'u3', 1)""")
    persona = {r["segment"]: r["n"] for r in kano_results(con, segment="persona").iter_rows(named=True)}
    assert persona == {"Power users": 2, "persona 1": 1, "(none)": 1}
    with pytest.raises(UserLensError, match="persona, cohort, plan"):
        kano_results(con, segment="country")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["F1", "F2", "F3"]), st.integers(1, 5), st.integers(1, 5),
                          st.sampled_from([None, "a", "b", "c"])), min_size=1, max_size=60))
def test_segments_add_up_to_the_whole(rows) -> None:
    ws = Workspace(":memory:")
    try:
        ws.con.executemany("INSERT INTO kano_responses VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)", [
            [f"r{i}", f, fu, dy, None if s is None else f'{{"plan": "{s}"}}'] for i, (f, fu, dy, s) in
            enumerate(rows)])
        if all(s is None for *_, s in rows):
            ws.con.execute("INSERT INTO kano_responses VALUES ('x', 'F4', 3, 3, NULL, NULL, ?, 1)",
                           ['{"plan": "a"}'])
        for table in ("standard", "pouliot"):
            whole = kano_results(ws.con, table=table)
            parts = kano_results(ws.con, table=table, segment="plan")
            cols = ("n", "A", "O", "M", "I", "R", "Q")
            summed = parts.group_by("feature").agg([pl.col(c).sum() for c in cols])
            left = whole.select("feature", "n", "A", "O", "M", "I", "R", "Q").sort("feature")
            assert summed.sort("feature").select(left.columns).equals(left)
    finally:
        ws.close()


def test_kano_json_shape(ws) -> None:
    insert_counts(ws.con, "Service app", dict(zip("MOAIRQ", PUBLISHED["Service app"], strict=True)))
    doc = kano_json(kano_results(ws.con))
    (item,) = doc["features"]
    assert "segment" not in item
    assert item["counts"] == {"A": 45, "O": 123, "M": 95, "I": 33, "R": 0, "Q": 0}
    assert {"feature", "n", "category", "better", "worse", "significant"} <= item.keys()
    assert item["category"] == "O" and item["significant"] is True


def test_empty_workspace(ws) -> None:
    assert kano_results(ws.con).is_empty()
    assert kano_json(kano_results(ws.con)) == {"features": []}


def test_kano_figures(ws) -> None:
    from analytics.figures.kano import better_worse_figure, continuous_figure

    for feature, counts in PUBLISHED.items():
        insert_counts(ws.con, feature, dict(zip("MOAIRQ", counts, strict=True)), '{"plan": "pro"}')
    fig = better_worse_figure(kano_results(ws.con))
    (trace,) = fig.data
    points = dict(zip(trace.text, zip(trace.x, trace.y, strict=True), strict=True))
    assert points["Service app"] == pytest.approx((218 / 296, 168 / 296))
    segmented = continuous_figure(kano_results(ws.con, segment="plan"))
    assert [t.name for t in segmented.data] == ["pro"] and len(segmented.data[0].x) == 3

"""The bundled Tasklane sample: Kano finds the designed categories and the rankings read as designed."""

from __future__ import annotations

import polars as pl

from analytics.kano import kano_results
from analytics.prioritise import prioritise

DESIGNED = {  # sample_data/data/README.md, "The Kano survey"
    "Reliable sync": "M", "Data export": "M", "Two-factor login": "M",
    "Fast search": "O", "Calendar integration": "O", "Offline mode": "O",
    "AI task suggestions": "A", "Workload view": "A",
    "Custom themes": "I", "Gamification badges": "I",
}


def test_sample_kano_categories(sample_ws) -> None:
    out = kano_results(sample_ws.con)
    assert dict(zip(out["feature"], out["category"], strict=True)) == DESIGNED
    assert out["significant"].all()
    by_plan = kano_results(sample_ws.con, segment="plan")
    assert by_plan.group_by("feature").agg(pl.col("n").sum())["n"].to_list() == [200] * 10


def test_sample_rankings(sample_ws) -> None:
    rice = prioritise(sample_ws.con, method="rice")
    assert rice["req_id"][0] == "R04" and rice["score"][0] == 9600
    flags = dict(zip(rice["req_id"], rice["flags"].to_list(), strict=True))
    assert flags["R09"] == ["effort"] and flags["R17"] == ["confidence"]
    assert flags["R23"] == ["reach", "impact"]
    kano = prioritise(sample_ws.con, method="kano")
    assert set(kano["req_id"][:2]) == {"R01", "R02"}
    assert kano["kano_category"][:4].to_list() == ["M"] * 4

"""How much a prioritised top 10 depends on its weights: each weight moved by ±20 %.

What a "weight" is depends on the method (``analytics.prioritise.DEFAULT_WEIGHTS``): for RICE, ICE
and value/effort it is the exponent of a factor (1 = the plain formula, so 0.8 / 1.2 damp or
stress that factor); for WSJF the multiplier of a cost-of-delay component and the exponent of job
size; for weighted scoring the criterion weight; for Kano the class weights and the multipliers of
|Worse| and Better. Weights that are 0 stay 0 under a relative change and are not reported.
"""

from __future__ import annotations

import duckdb
import polars as pl
from scipy.stats import kendalltau

from analytics.prioritise import method_weights, rank_inputs
from analytics.prioritise_inputs import gather_inputs


def sensitivity(con: duckdb.DuckDBPyConnection, *, method: str, weights: dict[str, float] | None = None,
                change: float = 0.2, top: int = 10, use_evidence: bool = True,
                defaults: dict[str, float] | None = None) -> pl.DataFrame:
    """Change each weight by −`change` and +`change` and compare the top `top` with the base ranking.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace cursor.
    method : str
        Prioritisation method (see `analytics.prioritise.METHODS`).
    weights : dict, optional
        The base weights (overrides of the method's defaults).
    change : float
        Relative change, 0.2 = ±20 %.
    top : int
        Size of the top list compared.
    use_evidence, defaults
        As in `analytics.prioritise.prioritise`.

    Returns
    -------
    polars.DataFrame
        One row per (weight, direction): weight, change ("-20%" / "+20%"), base_value, new_value,
        entered (requirements new in the top), left (dropped out of it), moved (still in the top
        at another position), overlap (share of the top kept, 0..1), kendall_tau (rank
        correlation of the whole backlog; null with fewer than two requirements), entered_ids,
        top1_changed.
    """
    inputs = gather_inputs(con, use_evidence=use_evidence, defaults=defaults)
    base_w = method_weights(method, weights)
    base = rank_inputs(inputs, method=method, weights=base_w)
    base_ids = base["req_id"].to_list() if base.height else []
    base_top = base_ids[:top]
    position = {rid: i for i, rid in enumerate(base_ids)}
    rows = []
    for name, value in base_w.items():
        if value == 0:
            continue
        for sign in (-1, 1):
            new_value = value * (1 + sign * change)
            ranked = rank_inputs(inputs, method=method, weights={**base_w, name: new_value})
            ids = ranked["req_id"].to_list() if ranked.height else []
            new_top = ids[:top]
            kept = set(base_top) & set(new_top)
            tau = None
            if len(ids) >= 2:
                tau = float(kendalltau([position[i] for i in ids], list(range(len(ids)))).statistic)
            rows.append({
                "weight": name, "change": f"{sign * change:+.0%}", "base_value": value,
                "new_value": new_value,
                "entered": len(set(new_top) - set(base_top)), "left": len(set(base_top) - set(new_top)),
                "moved": sum(1 for i in kept if base_top.index(i) != new_top.index(i)),
                "overlap": len(kept) / len(base_top) if base_top else 1.0, "kendall_tau": tau,
                "entered_ids": [i for i in new_top if i not in base_top],
                "top1_changed": bool(base_top and new_top and base_top[0] != new_top[0]),
            })
    schema = {"weight": pl.Utf8, "change": pl.Utf8, "base_value": pl.Float64, "new_value": pl.Float64,
              "entered": pl.Int64, "left": pl.Int64, "moved": pl.Int64, "overlap": pl.Float64,
              "kendall_tau": pl.Float64, "entered_ids": pl.List(pl.Utf8), "top1_changed": pl.Boolean}
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)

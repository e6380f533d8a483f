"""Requirement prioritisation (DESIGN §6): RICE, ICE, WSJF, value/effort, weighted scoring, Kano.

Inputs come from `analytics.prioritise_inputs.gather_inputs` (backlog first, then evidence and
Kano derivations, then flagged defaults). ``METHOD_DESCRIPTIONS`` states every formula and weight;
the dashboard and the report print it next to the ranking.
"""

from __future__ import annotations

import math
from typing import Any

import duckdb
import polars as pl

from analytics.errors import UserLensError
from analytics.names import METHOD_LABELS
from analytics.prioritise_inputs import gather_inputs

METHODS: tuple[str, ...] = tuple(METHOD_LABELS)
MIN_EFFORT = 0.5
KANO_CLASS_WEIGHTS: dict[str, float] = {"M": 4.0, "O": 3.0, "A": 2.0, "I": 1.0}
#: Default weights per method. RICE/ICE/value-effort: exponents of the factors (1 = the plain
#: formula). WSJF: weights of the three cost-of-delay components and the exponent of job size.
#: weighted: criterion weights. kano: class weights and the multipliers of |Worse| and Better.
DEFAULT_WEIGHTS: dict[str, dict[str, float]] = {
    "rice": {"reach": 1.0, "impact": 1.0, "confidence": 1.0, "effort": 1.0},
    "ice": {"impact": 1.0, "confidence": 1.0, "ease": 1.0},
    "wsjf": {"business_value": 1.0, "time_criticality": 1.0, "risk_reduction": 1.0, "job_size": 1.0},
    "value-effort": {"reach": 1.0, "impact": 1.0, "confidence": 1.0, "effort": 1.0},
    "weighted": {"reach": 1.0, "impact": 1.0, "confidence": 1.0, "business_value": 1.0, "effort": 1.0,
                 "cost": 0.0, "time_criticality": 0.0, "risk_reduction": 0.0},
    "kano": {**KANO_CLASS_WEIGHTS, "worse": 10.0, "better": 1.0},
}
COST_CRITERIA = ("effort", "cost")
QUADRANTS: tuple[str, ...] = ("quick win", "big bet", "fill-in", "money pit")

KANO_METHOD_DESCRIPTION = (
    "Kano-weighted: score = 100 x class weight + 10 x |Worse| + 1 x Better, with class weights "
    "must-be 4, one-dimensional 3, attractive 2, indifferent 1, reverse/questionable/no Kano answers 0. "
    "So must-be gaps rank first, then one-dimensional, attractive and indifferent requirements; within a "
    "class the larger |Worse| (dissatisfaction when missing) ranks first, then the larger Better. Kano "
    "results use the standard table over all respondents of the requirement's kano_feature."
)
METHOD_DESCRIPTIONS: dict[str, str] = {
    "rice": "RICE = reach x impact x confidence / effort (impact 3/2/1/0.5/0.25, confidence 1/0.8/0.5, "
            "effort in person-months, raised to the minimum 0.5). Weights are exponents of the factors "
            "(default 1 = the plain formula).",
    "ice": "ICE = impact x confidence x ease, each on 1-10. RICE-scale values are mapped onto 1-10 "
           "(impact 0.25/0.5/1/2/3 -> 1/3/5/8/10, linear in between; confidence x 10); ease is the "
           "backlog's 'ease' property, else 10 - 2 log2(effort/0.5) clipped to 1-10. Weights are exponents.",
    "wsjf": "WSJF = (business value + time criticality + risk reduction) / job size; job size is the "
            "backlog's 'job_size' property, else effort rounded up to the modified Fibonacci scale "
            "1, 2, 3, 5, 8, 13, 20. Weights multiply the three components; the job_size weight is its "
            "exponent.",
    "value-effort": "Value = reach x impact x confidence, effort = max(effort, 0.5). Quadrants split at the "
                    "backlog medians: value >= median is high, effort <= median is low; quick wins (high "
                    "value, low effort), big bets (high, high), fill-ins (low, low), money pits (low, high). "
                    "Ranked quick wins, big bets, fill-ins, money pits, and within a quadrant by score = "
                    "value / effort. Weights are exponents of the factors.",
    "weighted": "Weighted scoring: each criterion is min-max normalised to 0-100 across the backlog (effort "
                "and cost inverted: the cheapest scores 100; a criterion without spread scores 50, and so "
                "does a requirement whose value for it is a default), then score = sum(w_k s_k) / sum(w_k). "
                "Default weights: reach, impact, confidence, business value, effort 1; cost, time "
                "criticality, risk reduction 0.",
    "kano": KANO_METHOD_DESCRIPTION,
}
METHOD_INPUTS: dict[str, tuple[str, ...]] = {
    "rice": ("reach", "impact", "confidence", "effort"),
    "ice": ("impact", "confidence", "ease"),
    "wsjf": ("business_value", "time_criticality", "risk_reduction", "job_size"),
    "value-effort": ("reach", "impact", "confidence", "effort"),
}


def prioritise(con: duckdb.DuckDBPyConnection, *, method: str = "rice",
               weights: dict[str, float] | None = None, use_evidence: bool = True,
               defaults: dict[str, float] | None = None,
               prefer_evidence_reach: bool = False) -> pl.DataFrame:
    """Rank the backlog with one method, best first.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace cursor.
    method : {"rice", "ice", "wsjf", "value-effort", "weighted", "kano"}
        Scoring method (formulas in ``METHOD_DESCRIPTIONS``).
    weights : dict, optional
        Overrides of ``DEFAULT_WEIGHTS[method]`` (unknown names are an error; 0 drops a criterion).
    use_evidence : bool
        Fill missing reach/confidence from the latest evidence run and impact from Kano results.
    defaults : dict, optional
        Overrides of `analytics.prioritise_inputs.DEFAULTS`.
    prefer_evidence_reach : bool
        Evidence reach replaces the backlog's where the requirement has matching feedback.

    Returns
    -------
    polars.DataFrame
        rank, req_id, title, score, the method's inputs with ``<input>_source``, provenance (one
        sentence per input, "; "-joined), flags (inputs that fell back to a default), kano_category,
        better, worse, quadrant, evidence_count, evidence_users, personas_affected.
    """
    inputs = gather_inputs(con, use_evidence=use_evidence, defaults=defaults,
                           prefer_evidence_reach=prefer_evidence_reach)
    return rank_inputs(inputs, method=method, weights=weights)


def method_weights(method: str, weights: dict[str, float] | None) -> dict[str, float]:
    """The method's default weights updated by `weights`, validated."""
    if method not in METHODS:
        raise UserLensError(f"Unknown prioritisation method {method!r}: use one of {', '.join(METHODS)}.")
    base = DEFAULT_WEIGHTS[method]
    unknown = sorted(set(weights or {}) - set(base))
    if unknown:
        raise UserLensError(f"Method {method} has no weight {', '.join(unknown)}: its weights are "
                            f"{', '.join(base)}.")
    merged = {**base, **{k: float(v) for k, v in (weights or {}).items()}}
    if any(not math.isfinite(v) or v < 0 for v in merged.values()):
        raise UserLensError(f"Weights must be finite numbers >= 0, got {weights}.")
    if method == "weighted" and sum(merged.values()) == 0:
        raise UserLensError("All weighted-scoring weights are 0: give at least one criterion a weight "
                            "above 0.")
    return merged


def rank_inputs(inputs: pl.DataFrame, *, method: str,
                weights: dict[str, float] | None = None) -> pl.DataFrame:
    """Score and rank a `gather_inputs` frame (pure: sensitivity analysis calls it repeatedly)."""
    w = method_weights(method, weights)
    if inputs.is_empty():
        return pl.DataFrame(schema={"rank": pl.Int64, "req_id": pl.Utf8, "title": pl.Utf8,
                                    "score": pl.Float64})
    rows = [dict(r) for r in inputs.iter_rows(named=True)]
    _quadrants(rows, DEFAULT_WEIGHTS["value-effort"] if method != "value-effort" else w)
    used = METHOD_INPUTS.get(method, ())
    if method == "weighted":
        used = tuple(k for k, v in w.items() if v > 0)
    for r in rows:
        r["score"] = _score(r, method, w)
        r["flags"] = [n for n in used if r[f"{n}_source"] == "default"]
        if method == "kano" and r["kano_category"] is None:
            r["flags"].append("kano_category")
        if method == "ice":
            for n in ("impact", "confidence"):
                r[n], r[f"{n}_note"] = r[f"ice_{n}"], r[f"ice_{n}_note"]
        notes = [r[f"{n}_note"] for n in used]
        if method in ("rice", "value-effort") and r["effort"] < MIN_EFFORT:
            notes.append(f"effort {r['effort']:g} raised to the minimum {MIN_EFFORT:g}")
        if method == "kano":
            notes.append(_kano_note(r))
        r["provenance"] = "; ".join(notes)
    if method == "weighted":
        _weighted(rows, w)
    order = {q: i for i, q in enumerate(QUADRANTS)}
    if method == "value-effort":
        rows.sort(key=lambda r: (order[r["quadrant"]], -r["score"], r["req_id"]))
    else:
        rows.sort(key=lambda r: (-r["score"], r["req_id"]))
    for i, r in enumerate(rows, start=1):
        r["rank"] = i
    columns = ["rank", "req_id", "title", "score"]
    for n in used:
        columns += [n, f"{n}_source"]
    if method == "weighted":
        columns += [f"{n}_score" for n in used]
    columns += ["provenance", "flags", "kano_feature", "kano_category", "better", "worse", "quadrant",
                "evidence_count", "evidence_users", "personas_affected"]
    overrides = {"kano_feature": pl.Utf8, "kano_category": pl.Utf8, "better": pl.Float64, "worse": pl.Float64,
                 "flags": pl.List(pl.Utf8), "score": pl.Float64}
    return pl.DataFrame([{c: r[c] for c in columns} for r in rows], schema_overrides=overrides,
                        infer_schema_length=None)


def prioritise_json(frame: pl.DataFrame, method: str) -> dict[str, Any]:
    """The ``userlens prioritise --format json`` document of a `prioritise` frame.

    Parameters
    ----------
    frame : polars.DataFrame
        Output of `prioritise`.
    method : str
        The method that produced it.

    Returns
    -------
    dict
        ``{"method", "description", "ranking": [{"req_id", "title", "score", ...inputs and their
        sources, "provenance", "flags", "kano_category", "better", "worse", "quadrant", "rank"}]}``.
    """
    return {"method": method, "description": METHOD_DESCRIPTIONS.get(method, ""),
            "ranking": frame.to_dicts()}


def _factor(value: float, exponent: float) -> float:
    return value ** exponent if value > 0 else 0.0


def _score(r: dict[str, Any], method: str, w: dict[str, float]) -> float:
    if method in ("rice", "value-effort"):
        value = math.prod(_factor(r[n], w[n]) for n in ("reach", "impact", "confidence"))
        return value / max(r["effort"], MIN_EFFORT) ** w["effort"]
    if method == "ice":
        return math.prod(_factor(r[f"ice_{n}"], w[n]) for n in ("impact", "confidence")) * _factor(
            r["ease"], w["ease"])
    if method == "wsjf":
        delay = sum(w[n] * r[n] for n in ("business_value", "time_criticality", "risk_reduction"))
        return delay / max(r["job_size"], 1.0) ** w["job_size"]
    if method == "kano":
        cls = w.get(r["kano_category"] or "", 0.0)
        return 100 * cls + w["worse"] * abs(r["worse"] or 0.0) + w["better"] * (r["better"] or 0.0)
    return 0.0  # weighted: filled by _weighted, which needs the whole backlog


def _weighted(rows: list[dict[str, Any]], w: dict[str, float]) -> None:
    active = [n for n, v in w.items() if v > 0]
    for n in active:
        known = [r[n] for r in rows if r[f"{n}_source"] != "default"]
        lo, hi = (min(known), max(known)) if known else (0.0, 0.0)
        for r in rows:
            if r[f"{n}_source"] == "default" or hi == lo:
                s = 50.0
            else:
                s = 100 * (r[n] - lo) / (hi - lo)
                s = 100 - s if n in COST_CRITERIA else s
            r[f"{n}_score"] = s
    total = sum(w[n] for n in active)
    for r in rows:
        r["score"] = sum(w[n] * r[f"{n}_score"] for n in active) / total


def _median(values: list[float]) -> float:
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def _quadrants(rows: list[dict[str, Any]], w: dict[str, float]) -> None:
    for r in rows:
        r["_value"] = math.prod(_factor(r[n], w[n]) for n in ("reach", "impact", "confidence"))
        r["_effort"] = max(r["effort"], MIN_EFFORT)
    v_med, e_med = _median([r["_value"] for r in rows]), _median([r["_effort"] for r in rows])
    for r in rows:
        high, low = r["_value"] >= v_med, r["_effort"] <= e_med
        r["quadrant"] = QUADRANTS[(0 if low else 1) if high else (2 if low else 3)]


def _kano_note(r: dict[str, Any]) -> str:
    if r["kano_category"] is None:
        why = (f"no Kano answers for '{r['kano_feature']}'" if r["kano_feature"]
               else "no kano_feature in backlog")
        return f"kano class weight 0 ({why})"
    better = "n/a" if r["better"] is None else f"{r['better']:.3f}"
    worse = "n/a" if r["worse"] is None else f"{r['worse']:.3f}"
    return f"Kano {r['kano_category']} of '{r['kano_feature']}': Better {better}, Worse {worse}"

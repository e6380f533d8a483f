"""Inputs of the prioritisation methods, each with its source and a sentence saying where it came from.

Rules (DESIGN §6): a value in the backlog wins; a missing one is derived where the workspace holds
evidence for it; otherwise the stated default is used and the requirement is flagged. Nothing is
filled silently: every input has ``<name>_source`` ('backlog' | 'evidence' | 'kano' | 'default')
and ``<name>_note`` (the provenance sentence).

Derivations (all documented in ``DERIVATION_DESCRIPTION``):

* reach — distinct users whose feedback matched the requirement in the latest ``evidence`` run
  (the number of matching items when none of them names a user); 0 when nothing matched.
* impact — from the Kano result (standard table, all respondents) of the requirement's
  ``kano_feature``, on the RICE scale: must-be or one-dimensional 3 when max(Better, |Worse|)
  ≥ 0.6, else 2; attractive 2 when Better ≥ 0.6, else 1; indifferent 0.5 when max(Better, |Worse|)
  ≥ 0.4, else 0.25; reverse or questionable 0.25.
* confidence — from the volume and agreement of the evidence: 1.0 (high) with ≥ 20 distinct users
  and agreement (mean similarity ≥ 0.5, or a Kano category that passes the Fong test); 0.8
  (medium) with ≥ 5 distinct users; 0.5 (low) otherwise.
* ease (ICE) — the backlog's ``ease`` property, else 10 − 2·log2(effort / 0.5) clipped to 1..10
  (effort 0.5 → 10, 1 → 8, 2 → 6, 4 → 4, 8 → 2).
* job_size (WSJF) — the backlog's ``job_size`` property, else effort rounded up to the modified
  Fibonacci scale 1, 2, 3, 5, 8, 13, 20 (above 20 stays 20).
"""

from __future__ import annotations

import math
from typing import Any

import duckdb
import polars as pl

from analytics.errors import UserLensError
from analytics.kano import kano_results
from analytics.sqlfiles import run_sql

BACKLOG_INPUTS: tuple[str, ...] = ("reach", "impact", "confidence", "effort", "cost", "business_value",
                                   "time_criticality", "risk_reduction")
INPUTS: tuple[str, ...] = (*BACKLOG_INPUTS, "ease", "job_size")
#: Values used when the backlog has none and nothing can be derived (RICE scale for impact/confidence).
DEFAULTS: dict[str, float] = {
    "reach": 1.0, "impact": 1.0, "confidence": 0.5, "effort": 1.0, "cost": 1.0,
    "business_value": 1.0, "time_criticality": 1.0, "risk_reduction": 1.0,
}
FIBONACCI: tuple[int, ...] = (1, 2, 3, 5, 8, 13, 20)
HIGH_CONFIDENCE_USERS, MEDIUM_CONFIDENCE_USERS, AGREEMENT_SIMILARITY = 20, 5, 0.5
#: RICE impact / confidence values onto the ICE 1..10 scale (linear in between).
ICE_IMPACT_POINTS: tuple[tuple[float, float], ...] = ((0.25, 1), (0.5, 3), (1, 5), (2, 8), (3, 10))
_MARKER = "Derivations (all documented in ``DERIVATION_DESCRIPTION``):"
DERIVATION_DESCRIPTION = (__doc__ or "").partition(_MARKER)[2].strip()


def gather_inputs(con: duckdb.DuckDBPyConnection, *, use_evidence: bool = True,
                  defaults: dict[str, float] | None = None,
                  prefer_evidence_reach: bool = False) -> pl.DataFrame:
    """Every requirement with all method inputs, their sources and provenance notes.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace cursor.
    use_evidence : bool
        Derive missing reach/confidence from the latest evidence run and impact from Kano results.
    defaults : dict, optional
        Overrides of ``DEFAULTS`` (keys among ``BACKLOG_INPUTS``).
    prefer_evidence_reach : bool
        Use evidence reach instead of the backlog's where the requirement has matching feedback.

    Returns
    -------
    polars.DataFrame
        req_id, title, kano_feature, kano_category, better, worse, evidence_run, evidence_count,
        evidence_users, personas_affected, and for each of ``INPUTS``: the value, ``<name>_source``,
        ``<name>_note``; plus ``ice_impact`` / ``ice_confidence`` (ICE 1..10 scale) with notes.
    """
    fallback = _defaults(defaults)
    evidence_run = persona_run = ""
    kano: dict[str, dict[str, Any]] = {}
    if use_evidence:
        evidence_run = _latest(con, "evidence")
        persona_run = _latest(con, "personas")
        kano = {str(r["feature"]).strip().casefold(): r for r in kano_results(con).iter_rows(named=True)}
    backlog = run_sql(con, "requirements_with_evidence", evidence_run=evidence_run, persona_run=persona_run)
    ice_scale = {c: _ice_scale(backlog[c]) for c in ("impact", "confidence")}
    default_why = {name: "" for name in fallback}
    known_effort = backlog["effort"].drop_nulls().drop_nans()
    if "effort" not in (defaults or {}) and known_effort.len():
        # A missing effort defaulting to a small number would float unknown work to the top of
        # every value-per-effort method; the backlog's median is the cautious assumption.
        fallback["effort"] = max(0.5, float(known_effort.median()))
        default_why["effort"] = "; the backlog median"
    rows = []
    for req in backlog.iter_rows(named=True):
        k = kano.get(str(req["kano_feature"] or "").strip().casefold()) if req["kano_feature"] else None
        row: dict[str, Any] = {
            "req_id": req["req_id"], "title": req["title"], "kano_feature": req["kano_feature"],
            "kano_category": k["category"] if k else None, "better": k["better"] if k else None,
            "worse": k["worse"] if k else None, "evidence_run": evidence_run or None,
            "evidence_count": req["evidence_count"], "evidence_users": req["evidence_users"],
            "personas_affected": req["personas_affected"],
        }
        _reach(row, req, evidence_run, prefer_evidence_reach, fallback)
        _impact(row, req, k, fallback)
        _confidence(row, req, k, evidence_run, fallback)
        for name in ("effort", "cost", "business_value", "time_criticality", "risk_reduction"):
            _from_backlog_or_default(row, name, req[name], fallback[name], default_why[name])
        _ease(row, req)
        _job_size(row, req)
        _ice(row, ice_scale)
        rows.append(row)
    return pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()


def _defaults(defaults: dict[str, float] | None) -> dict[str, float]:
    unknown = set(defaults or {}) - set(DEFAULTS)
    if unknown:
        raise UserLensError(f"No default can be set for {', '.join(sorted(unknown))}: the inputs with "
                            f"defaults are {', '.join(DEFAULTS)}.")
    return {**DEFAULTS, **{k: float(v) for k, v in (defaults or {}).items()}}


def _latest(con: duckdb.DuckDBPyConnection, kind: str) -> str:
    run = run_sql(con, "latest_analysis_run", kind=kind)
    return "" if run.is_empty() else str(run["run_id"][0])


def _fmt(value: float) -> str:
    return f"{value:g}"


def _set(row: dict[str, Any], name: str, value: float, source: str, note: str) -> None:
    row[name], row[f"{name}_source"], row[f"{name}_note"] = float(value), source, note


def _from_backlog_or_default(row: dict[str, Any], name: str, value: float | None, default: float,
                             why: str = "") -> bool:
    """Backlog value when present (True), else the default with its note (False)."""
    if value is not None and not math.isnan(value):
        _set(row, name, value, "backlog", f"{name} {_fmt(value)}: backlog")
        return True
    _set(row, name, default, "default", f"{name} {_fmt(default)} (default: missing in backlog{why})")
    return False


def _evidence_reach(req: dict[str, Any], run: str) -> tuple[float, str]:
    items, users = req["evidence_count"], req["evidence_users"]
    if users:
        return users, f"reach {users}: distinct users in {items} matching feedback items (evidence run {run})"
    if items:
        return items, (f"reach {items}: matching feedback items, none with a user id (evidence run {run})")
    return 0, f"reach 0: no feedback matched this requirement (evidence run {run})"


def _reach(row: dict[str, Any], req: dict[str, Any], run: str, prefer: bool, fallback: dict) -> None:
    has_backlog = req["reach"] is not None and not math.isnan(req["reach"])
    if run and (not has_backlog or (prefer and req["evidence_count"] > 0)):
        value, note = _evidence_reach(req, run)
        if has_backlog:
            note += f"; preferred over the backlog's {_fmt(req['reach'])}"
        _set(row, "reach", value, "evidence", note)
        return
    if not _from_backlog_or_default(row, "reach", req["reach"], fallback["reach"]) and not run:
        row["reach_note"] += "; no evidence run (run requirement linking to derive it)"


def kano_impact(category: str | None, better: float | None, worse: float | None) -> float | None:
    """RICE impact (3/2/1/0.5/0.25) from a Kano category and its Better/Worse (module docstring)."""
    if category is None:
        return None
    b, w = better or 0.0, abs(worse or 0.0)
    if category in ("M", "O"):
        return 3.0 if max(b, w) >= 0.6 else 2.0
    if category == "A":
        return 2.0 if b >= 0.6 else 1.0
    if category == "I":
        return 0.5 if max(b, w) >= 0.4 else 0.25
    return 0.25


def _impact(row: dict[str, Any], req: dict[str, Any], k: dict[str, Any] | None, fallback: dict) -> None:
    if req["impact"] is not None and not math.isnan(req["impact"]):
        _from_backlog_or_default(row, "impact", req["impact"], fallback["impact"])
        return
    if k is not None:
        value = kano_impact(k["category"], k["better"], k["worse"])
        better = "n/a" if k["better"] is None else f"{k['better']:.2f}"
        worse = "n/a" if k["worse"] is None else f"{k['worse']:.2f}"
        _set(row, "impact", value, "kano",
             f"impact {_fmt(value)}: Kano category {k['category']} of '{k['feature']}' "
             f"(Better {better}, Worse {worse}, n={k['n']})")
        return
    _from_backlog_or_default(row, "impact", None, fallback["impact"])
    if req["kano_feature"]:
        row["impact_note"] += f"; no Kano answers for '{req['kano_feature']}'"


def evidence_confidence(users: int, mean_similarity: float | None, kano_significant: bool) -> float:
    """RICE confidence (1 / 0.8 / 0.5) from evidence volume and agreement (module docstring)."""
    agrees = (mean_similarity is not None and mean_similarity >= AGREEMENT_SIMILARITY) or kano_significant
    if users >= HIGH_CONFIDENCE_USERS and agrees:
        return 1.0
    return 0.8 if users >= MEDIUM_CONFIDENCE_USERS else 0.5


def _confidence(row: dict[str, Any], req: dict[str, Any], k: dict[str, Any] | None, run: str,
                fallback: dict) -> None:
    if (req["confidence"] is not None and not math.isnan(req["confidence"])) or not run:
        _from_backlog_or_default(row, "confidence", req["confidence"], fallback["confidence"])
        return
    users = req["evidence_users"] or req["evidence_count"]
    significant = bool(k and k["significant"])
    value = evidence_confidence(users, req["mean_similarity"], significant)
    sim = "n/a" if req["mean_similarity"] is None else f"{req['mean_similarity']:.2f}"
    _set(row, "confidence", value, "evidence",
         f"confidence {_fmt(value)}: {users} users, mean similarity {sim}"
         f"{', Kano category significant' if significant else ''} (evidence run {run})")


def _ease(row: dict[str, Any], req: dict[str, Any]) -> None:
    if req["ease"] is not None and not math.isnan(req["ease"]):
        _set(row, "ease", req["ease"], "backlog", f"ease {_fmt(req['ease'])}: backlog")
        return
    value = min(10.0, max(1.0, 10 - 2 * math.log2(max(row["effort"], 1e-9) / 0.5)))
    _set(row, "ease", value, row["effort_source"],
         f"ease {value:.3g}: 10 - 2*log2(effort/0.5) from {row['effort_note']}")


def fibonacci_job_size(effort: float) -> int:
    """Effort rounded up to the modified Fibonacci scale 1, 2, 3, 5, 8, 13, 20 (capped at 20)."""
    return next((f for f in FIBONACCI if effort <= f), FIBONACCI[-1])


def _job_size(row: dict[str, Any], req: dict[str, Any]) -> None:
    if req["job_size"] is not None and not math.isnan(req["job_size"]):
        _set(row, "job_size", req["job_size"], "backlog", f"job size {_fmt(req['job_size'])}: backlog")
        return
    value = fibonacci_job_size(row["effort"])
    _set(row, "job_size", value, row["effort_source"],
         f"job size {value}: effort rounded up to modified Fibonacci, from {row['effort_note']}")


def _ice_scale(column: pl.Series) -> bool:
    """True when the backlog column is on the ICE 1..10 scale (some value above the RICE maximum)."""
    values = column.drop_nulls().drop_nans()
    limit = 3.0 if column.name == "impact" else 1.0
    return bool(values.len() and values.max() > limit)


def to_ice(name: str, value: float) -> float:
    """A RICE-scale impact (0.25..3) or confidence (0..1) on the ICE 1..10 scale."""
    if name == "confidence":
        return min(10.0, max(1.0, value * 10))
    xs, ys = zip(*ICE_IMPACT_POINTS, strict=True)
    if value <= xs[0]:
        return float(ys[0])
    for (x0, y0), (x1, y1) in zip(ICE_IMPACT_POINTS, ICE_IMPACT_POINTS[1:], strict=False):
        if value <= x1:
            return y0 + (y1 - y0) * (value - x0) / (x1 - x0)
    return float(ys[-1])


def _ice(row: dict[str, Any], ice_scale: dict[str, bool]) -> None:
    for name in ("impact", "confidence"):
        value, source = row[name], row[f"{name}_source"]
        if source == "backlog" and ice_scale[name]:
            _set(row, f"ice_{name}", value, source, row[f"{name}_note"])
        else:
            ice = to_ice(name, value)
            note = f"{name} {ice:.3g} on the 1-10 scale from {row[f'{name}_note']}"
            _set(row, f"ice_{name}", ice, source, note)

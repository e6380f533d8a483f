"""Readers of the report's sections (Kano, evidence, personas, retention, data sources) from the workspace.

Each returns its section of the `analytics.report.model` tree; a missing part comes back with
``available=False`` and a message that says what to do.
"""

from __future__ import annotations

import json
import math
from typing import Any

import duckdb

from analytics.errors import UserLensError
from analytics.report.model import (
    NO_EVENTS,
    NO_EVIDENCE,
    NO_EVIDENCE_DISABLED,
    NO_KANO,
    NO_PERSONAS,
    NO_RETURNS,
    NO_THEMES,
    EvidenceSection,
    KanoFeature,
    KanoSection,
    Persona,
    InputValue,
    PersonaSection,
    RankedRequirement,
    RetentionHeadline,
    Source,
    Theme,
    ThemeSection,
    _iso,
    _num,
)
from analytics.sqlfiles import run_sql


def kano_section(con: duckdb.DuckDBPyConnection, table: str) -> KanoSection:
    from analytics.kano import kano_results

    try:
        frame = kano_results(con, table=table)
    except UserLensError as exc:
        return KanoSection(False, f"Kano results unavailable: {exc}", table)
    if frame.is_empty():
        return KanoSection(False, NO_KANO, table)
    features = [
        KanoFeature(
            feature=str(r["feature"]),
            n=int(r["n"]),
            counts={c: int(r[c]) for c in ("A", "O", "M", "I", "R", "Q")},
            category=str(r["category"]),
            better=_num(r["better"]),
            worse=_num(r["worse"]),
            significant=bool(r["significant"]),
        )
        for r in frame.iter_rows(named=True)
    ]
    return KanoSection(
        True, f"{len(features)} features, {table} evaluation table, all respondents", table, features
    )


def evidence_section(
    con: duckdb.DuckDBPyConnection, run: dict[str, Any] | None, use_evidence: bool
) -> EvidenceSection:
    if not use_evidence:
        return EvidenceSection(False, NO_EVIDENCE_DISABLED)
    if run is None:
        return EvidenceSection(False, NO_EVIDENCE)
    params = json.loads(run["params"]) if run["params"] else {}
    return EvidenceSection(
        True,
        "Latest requirement-linking run",
        str(run["run_id"]),
        _iso(run["created_at"]),
        params if isinstance(params, dict) else {},
    )


def persona_section(con: duckdb.DuckDBPyConnection, run: dict[str, Any] | None) -> PersonaSection:
    if run is None:
        return PersonaSection(False, NO_PERSONAS)
    frame = run_sql(con, "report_personas", run_id=str(run["run_id"]))
    personas = [
        Persona(
            persona_id=int(r["persona_id"]),
            name=str(r["name"] or f"persona {r['persona_id']}"),
            size=int(r["size"] or 0),
            share=_num(r["share"]),
            confidence=_num(r["confidence"]),
            keywords=list(r["keywords"] or []),
            quotes=list(r["quotes"] or [])[:2],
        )
        for r in frame.iter_rows(named=True)
    ]
    if not personas:
        return PersonaSection(False, NO_PERSONAS, str(run["run_id"]), _iso(run["created_at"]))
    return PersonaSection(
        True,
        f"{len(personas)} personas from the latest persona run",
        str(run["run_id"]),
        _iso(run["created_at"]),
        personas,
    )


def retention_headline(con: duckdb.DuckDBPyConnection, settings: dict[str, str]) -> RetentionHeadline:
    from analytics.retention import retention, retention_average

    frame = retention(con, period="week", periods=8)
    if frame.is_empty():
        return RetentionHeadline(False, NO_EVENTS)
    avg = retention_average(frame).row(0, named=True)
    average = [_num(avg[f"p{k}"]) for k in range(9)]
    message = "Average of the weekly cohorts (first event anchors the cohort), weighted by cohort size"
    if average[1] is None:
        message = NO_RETURNS
    return RetentionHeadline(True, message, "week", frame.height, int(avg["cohort_size"]), average)


def sources(con: duckdb.DuckDBPyConnection) -> list[Source]:
    return [
        Source(
            batch_id=int(r["batch_id"]),
            kind=str(r["kind"]),
            file_name=r["file_name"],
            rows_read=int(r["rows_read"] or 0),
            rows_loaded=int(r["rows_loaded"] or 0),
            rows_rejected=int(r["rows_rejected"] or 0),
            loaded_at=_iso(r["loaded_at"]),
            pseudonymised=bool(r["pseudonymised"]),
            reject_reasons={x["reason"]: int(x["n"]) for x in (r["reject_reasons"] or [])},
        )
        for r in run_sql(con, "report_sources").iter_rows(named=True)
    ]


def theme_section(con: duckdb.DuckDBPyConnection, run: dict[str, Any] | None) -> ThemeSection:
    if run is None:
        return ThemeSection(False, NO_THEMES)
    themes = [
        Theme(
            theme_id=int(r["theme_id"]),
            name=str(r["name"] or f"theme {r['theme_id']}"),
            size=int(r["size"] or 0),
            share=_num(r["share"]),
            mean_rating=_num(r["mean_rating"]),
            nps=_num(r["nps"]),
            keywords=list(r["keywords"] or []),
            quotes=list(r["quotes"] or [])[:2],
        )
        for r in run_sql(con, "report_themes", run_id=str(run["run_id"])).iter_rows(named=True)
    ]
    if not themes:
        return ThemeSection(False, NO_THEMES, str(run["run_id"]), _iso(run["created_at"]))
    return ThemeSection(
        True,
        f"{len(themes)} themes from the latest feedback-theme run",
        str(run["run_id"]),
        _iso(run["created_at"]),
        themes,
    )


def has_data(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any data table of the workspace holds a row."""
    counts = run_sql(con, "report_data_counts").row(0, named=True)
    return any(int(v or 0) > 0 for v in counts.values())


def requirement(
    r: dict[str, Any],
    columns: list[str],
    extra: dict[str, Any] | None,
    ve_weights: dict[str, float],
    min_effort: float,
) -> RankedRequirement:
    """One ranked row of `analytics.prioritise.rank_inputs` with its inputs, evidence and quotes."""
    names = [c[: -len("_source")] for c in columns if c.endswith("_source")]
    inputs = [InputValue(n, float(r[n]), str(r[f"{n}_source"]), _num(r.get(f"{n}_score"))) for n in names]
    value = effort = None
    if all(k in r for k in ("reach", "impact", "confidence", "effort")):
        value = math.prod(
            (r[k] ** ve_weights[k] if r[k] > 0 else 0.0) for k in ("reach", "impact", "confidence")
        )
        effort = max(float(r["effort"]), min_effort)
    return RankedRequirement(
        rank=int(r["rank"]),
        req_id=str(r["req_id"]),
        title=str(r["title"] or ""),
        score=float(r["score"]),
        inputs=inputs,
        provenance=[p for p in str(r.get("provenance") or "").split("; ") if p],
        flags=list(r.get("flags") or []),
        quadrant=r.get("quadrant"),
        kano_feature=r.get("kano_feature"),
        kano_category=r.get("kano_category"),
        better=_num(r.get("better")),
        worse=_num(r.get("worse")),
        evidence_count=int(r.get("evidence_count") or 0),
        evidence_users=int(r.get("evidence_users") or 0),
        personas_affected=int(r.get("personas_affected") or 0),
        personas=list((extra or {}).get("persona_names") or []),
        quotes=list((extra or {}).get("quotes") or []),
        value=value,
        effort=effort,
    )

"""Build the report model from the workspace (the types are in `analytics.report.model`).

`build_report` reads the ranking (`analytics.prioritise`), the Kano results, the latest evidence
and persona runs, the retention headline and the data sources, and states for every part that is
missing why, and what to do.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import metadata

import duckdb
import polars as pl

from analytics import prioritise as prio
from analytics.errors import UserLensError
from analytics.names import METHOD_LABELS
from analytics.prioritise_inputs import DEFAULTS, DERIVATION_DESCRIPTION, gather_inputs
from analytics.report import sections
from analytics.report.findings import key_findings
from analytics.report.voice import narrow_ranking, narrow_sections, proposal_section, voice_from
from analytics.report.model import NO_BACKLOG, NO_DATA, BacklogSection, Generation, Method, Report, _iso
from analytics.sqlfiles import run_sql

def build_report(
    con: duckdb.DuckDBPyConnection,
    *,
    method: str = "rice",
    weights: dict[str, float] | None = None,
    title: str | None = None,
    use_evidence: bool = True,
    defaults: dict[str, float] | None = None,
    kano_table: str = "standard",
    quotes: int = 3,
    now: datetime | None = None,
    intents: list[str] | None = None,
    sentiments: list[str] | None = None,
) -> Report:
    """Build the prioritised requirement report of a workspace.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace cursor (``ws.con``).
    method : str
        Prioritisation method (see ``analytics.prioritise.METHODS``).
    weights : dict, optional
        Overrides of the method's default weights.
    title : str, optional
        Report title (default "Prioritised requirements").
    use_evidence : bool
        Derive missing inputs from the latest evidence run and the Kano results.
    defaults : dict, optional
        Overrides of the defaults used where an input is missing.
    kano_table : {"standard", "pouliot"}
        Kano evaluation table for the Kano section.
    quotes : int
        Quotes shown per requirement (1 to 5).
    now : datetime, optional
        Generation time (default: the current UTC time).
    intents, sentiments : list of str, optional
        Keep only requirements, themes, personas and proposals with feedback of these intents /
        sentiments (`analytics.report.voice`); all feedback by default.

    Returns
    -------
    Report

    Raises
    ------
    UserLensError
        When the workspace holds no data at all, or an option is invalid. Without a backlog the
        report holds everything else that is known (``report.backlog`` says what a backlog adds).
    """
    if not 1 <= int(quotes) <= 5:
        raise UserLensError(f"quotes must be between 1 and 5, not {quotes}.")
    merged = prio.method_weights(method, weights)
    inputs = gather_inputs(con, use_evidence=use_evidence, defaults=defaults)
    if inputs.is_empty() and not sections.has_data(con):
        raise UserLensError(NO_DATA)
    voice = voice_from(intents, sentiments)
    frame = narrow_ranking(con, prio.rank_inputs(inputs, method=method, weights=weights), voice)
    runs = {r["kind"]: r for r in run_sql(con, "report_runs").iter_rows(named=True)}
    evidence = sections.evidence_section(con, runs.get("evidence") if use_evidence else None, use_evidence)
    personas = sections.persona_section(con, runs.get("personas"))
    extras = run_sql(
        con,
        "report_evidence",
        evidence_run=evidence.run_id or "",
        persona_run=personas.run_id or "",
        quotes=int(quotes),
    )
    extra = {r["req_id"]: r for r in extras.iter_rows(named=True)}
    ve_weights = merged if method == "value-effort" else prio.DEFAULT_WEIGHTS["value-effort"]
    ranking = [
        sections.requirement(r, frame.columns, extra.get(r["req_id"]), ve_weights, prio.MIN_EFFORT)
        for r in frame.iter_rows(named=True)
    ]
    evidence.requirements_with_evidence = sum(1 for r in ranking if r.evidence_count > 0)
    settings = dict(run_sql(con, "report_settings").iter_rows())
    used_defaults = {**DEFAULTS, **{k: float(v) for k, v in (defaults or {}).items()}}
    method_info = Method(
        name=method,
        label=METHOD_LABELS.get(method, method),
        description=prio.METHOD_DESCRIPTIONS[method],
        weights=merged,
        default_weights=dict(prio.DEFAULT_WEIGHTS[method]),
        inputs=[i.name for i in ranking[0].inputs] if ranking else [],
        defaults=used_defaults,
        derivations=DERIVATION_DESCRIPTION,
        use_evidence=use_evidence,
        kano_table=kano_table,
    )
    generation = Generation(
        generated_at=_iso(now or datetime.now(UTC)) or "",
        generator=f"UserLens {_version()} (DuckDB {duckdb.__version__}, polars {pl.__version__})",
        workspace=_workspace_name(con),
        settings={"timezone": "UTC", "week_start": "monday", **settings},
        options={
            "method": method,
            "weights": weights or {},
            "use_evidence": use_evidence,
            "defaults": defaults or {},
            "kano_table": kano_table,
            "quotes": int(quotes),
            "intents": list(voice.intents),
            "sentiments": list(voice.sentiments),
        },
    )
    report = Report(
        title=title or "Prioritised requirements",
        generation=generation,
        method=method_info,
        findings=[],
        ranking=ranking,
        kano=sections.kano_section(con, kano_table),
        evidence=evidence,
        personas=personas,
        retention=sections.retention_headline(con, settings),
        sources=sections.sources(con),
        themes=sections.theme_section(con, runs.get("themes")),
        backlog=BacklogSection(True, "") if ranking else BacklogSection(
            False, f"No requirement has linked feedback of {voice.describe()}" if voice.active and
            not inputs.is_empty() else NO_BACKLOG),
        proposals=proposal_section(con, voice),
        voice_filter=voice.describe(),
    )
    narrow_sections(con, report.themes, report.personas, voice)
    report.findings = key_findings(report)
    return report


def _version() -> str:
    try:
        return metadata.version("userlens")
    except metadata.PackageNotFoundError:
        return "dev"


def _workspace_name(con: duckdb.DuckDBPyConnection) -> str:
    rows = run_sql(con, "report_workspace")
    path = rows["path"][0] if rows.height else ":memory:"
    return str(path).replace("\\", "/").rsplit("/", 1)[-1]

"""The report model: one dataclass tree built from the workspace, rendered to every format.

`build_report` reads the ranking (`analytics.prioritise`), the Kano results, the latest evidence
and persona runs, the retention headline and the data sources, and states for every part that is
missing why, and what to do. Renderers never query the workspace: they format a `Report`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from importlib import metadata
from typing import Any

import duckdb
import polars as pl

from analytics.errors import UserLensError
from analytics.report.voice import (
    ProposalSection, narrow_ranking, narrow_sections, proposal_section, voice_from,
)
from analytics.sqlfiles import run_sql

METHOD_LABELS: dict[str, str] = {
    "rice": "RICE",
    "ice": "ICE",
    "wsjf": "WSJF",
    "value-effort": "Value / effort",
    "weighted": "Weighted scoring",
    "kano": "Kano-weighted",
}
KANO_NAMES: dict[str, str] = {
    "M": "must-be",
    "O": "one-dimensional",
    "A": "attractive",
    "I": "indifferent",
    "R": "reverse",
    "Q": "questionable",
}
# What a missing part means. They say what is missing, not which command or button makes it: the
# same report is read from the command line and in the dashboard (which shows its own buttons).
NO_KANO = "No Kano survey loaded"
NO_EVIDENCE = "Evidence not computed yet: the backlog has not been linked to the feedback"
NO_EVIDENCE_DISABLED = "Evidence not used: the report was built with use_evidence=False"
NO_PERSONAS = "Personas not computed yet"
NO_THEMES = "Feedback themes not computed yet"
NO_EVENTS = "No events loaded"
NO_RETURNS = "Not enough history yet: no cohort is old enough to observe a return in the following week"
NO_BACKLOG = ("No backlog loaded. A backlog (requirements with reach, impact, confidence and effort) "
              "would add the ranked requirements, the value/effort matrix and, for each requirement, "
              "the feedback that asks for it")
NO_DATA = ("The workspace holds no data yet: load events, feedback, a Kano survey or a backlog first "
           "(Data page, or userlens ingest KIND FILE).")


@dataclass
class InputValue:
    """One score input of a requirement: its value, where it came from, its 0-100 score (weighted)."""

    name: str
    value: float
    source: str
    normalised: float | None = None


@dataclass
class RankedRequirement:
    """A requirement in rank order, with every score input, its provenance and its evidence."""

    rank: int
    req_id: str
    title: str
    score: float
    inputs: list[InputValue]
    provenance: list[str]
    flags: list[str]
    quadrant: str | None
    kano_feature: str | None
    kano_category: str | None
    better: float | None
    worse: float | None
    evidence_count: int
    evidence_users: int
    personas_affected: int
    personas: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    value: float | None = None
    effort: float | None = None


@dataclass
class KanoFeature:
    """Kano result of one feature (standard or Pouliot table, all respondents)."""

    feature: str
    n: int
    counts: dict[str, int]
    category: str
    better: float | None
    worse: float | None
    significant: bool


@dataclass
class KanoSection:
    available: bool
    message: str
    table: str
    features: list[KanoFeature] = field(default_factory=list)


@dataclass
class EvidenceSection:
    available: bool
    message: str
    run_id: str | None = None
    created_at: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    requirements_with_evidence: int = 0


@dataclass
class Persona:
    persona_id: int
    name: str
    size: int
    share: float | None
    confidence: float | None
    keywords: list[str]
    quotes: list[str]


@dataclass
class PersonaSection:
    available: bool
    message: str
    run_id: str | None = None
    created_at: str | None = None
    personas: list[Persona] = field(default_factory=list)


@dataclass
class Theme:
    theme_id: int
    name: str
    size: int
    share: float | None
    mean_rating: float | None
    nps: float | None
    keywords: list[str]
    quotes: list[str]


@dataclass
class ThemeSection:
    available: bool
    message: str
    run_id: str | None = None
    created_at: str | None = None
    themes: list[Theme] = field(default_factory=list)


@dataclass
class BacklogSection:
    """Whether the report has a backlog to rank; without one it reports what else is known."""

    available: bool
    message: str


@dataclass
class RetentionHeadline:
    available: bool
    message: str
    period: str = "week"
    cohorts: int = 0
    users: int = 0
    average: list[float | None] = field(default_factory=list)


@dataclass
class Source:
    batch_id: int
    kind: str
    file_name: str | None
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    loaded_at: str | None
    pseudonymised: bool
    reject_reasons: dict[str, int]


@dataclass
class Method:
    """How the ranking was computed: formula, weights, defaults, derivation rules and options."""

    name: str
    label: str
    description: str
    weights: dict[str, float]
    default_weights: dict[str, float]
    inputs: list[str]
    defaults: dict[str, float]
    derivations: str
    use_evidence: bool
    kano_table: str


@dataclass
class Generation:
    generated_at: str
    generator: str
    workspace: str
    settings: dict[str, str]
    options: dict[str, Any]


@dataclass
class Report:
    """Everything a report shows; `to_dict` is its JSON form."""

    title: str
    generation: Generation
    method: Method
    findings: list[str]
    ranking: list[RankedRequirement]
    kano: KanoSection
    evidence: EvidenceSection
    personas: PersonaSection
    retention: RetentionHeadline
    sources: list[Source]
    themes: ThemeSection = field(default_factory=lambda: ThemeSection(False, NO_THEMES))
    backlog: BacklogSection = field(default_factory=lambda: BacklogSection(True, ""))
    proposals: ProposalSection = field(default_factory=lambda: ProposalSection(False, ""))
    voice_filter: str = "all feedback"  # the intent/sentiment filter (analytics.report.voice)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (NaN becomes None)."""
        return _clean(asdict(self))


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return None if value is None else str(value)


def _num(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


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
    from analytics import prioritise as prio
    from analytics.prioritise_inputs import DEFAULTS, DERIVATION_DESCRIPTION, gather_inputs
    from analytics.report import sections

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
    from analytics.report.findings import key_findings

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

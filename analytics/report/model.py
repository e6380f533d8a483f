"""The report model: the dataclass tree a report is, rendered to every format.

These are types only: `analytics.report.builder.build_report` fills them from the workspace and the
renderers format them, so no module of the package imports back (the builder and the renderers import
this module; it imports none of them). Renderers never query the workspace: they format a `Report`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any


from analytics.report.voice import ProposalSection

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

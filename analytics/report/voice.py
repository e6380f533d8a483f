"""The voice-of-the-user parts of the report (issue 15): proposed requirements, and the
intent/sentiment filter applied to the ranking, the themes and the personas.

With an active `VoiceFilter` the report lists only the requirements whose linked feedback passes it
(rank and score stay those of the whole backlog), the themes and personas with such feedback
(sizes count only those items / users) and the proposals whose feature requests include one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from analytics.errors import UserLensError
from analytics.proposals import latest_proposals
from analytics.voice_filter import (
    VoiceFilter, filter_ranking, persona_counts, requirement_counts, theme_counts, voice_values,
)

NO_PROPOSALS = ("No proposed requirements: no feedback theme is mostly feature requests that the backlog "
                "does not cover (or themes and intents are not computed yet)")


@dataclass
class Proposal:
    """A feature-request theme no backlog item covers, proposed as a requirement."""

    proposal_id: str
    title: str
    description: str
    evidence_count: int
    distinct_users: int
    personas: list[str]
    quotes: list[str]
    status: str
    req_id: str | None = None


@dataclass
class ProposalSection:
    available: bool
    message: str
    proposals: list[Proposal] = field(default_factory=list)


def voice_from(intents: list[str] | tuple[str, ...] | None, sentiments: list[str] | tuple[str, ...] | None
               ) -> VoiceFilter:
    """The report's filter from its plain options."""
    return VoiceFilter(tuple(intents or ()), tuple(sentiments or ()))


def check_voice(con: duckdb.DuckDBPyConnection, voice: VoiceFilter) -> None:
    """Refuse intents the latest intents run never assigned (a typo would silently empty the report)."""
    if not voice.intents:
        return
    known = voice_values(con)["intent"]
    unknown = [i for i in voice.intents if i not in known]
    if unknown:
        raise UserLensError(f"Unknown intent {', '.join(map(repr, unknown))}: the latest intents run has "
                            f"{', '.join(map(repr, known)) or 'none (run `userlens intents` first)'}.")


def narrow_ranking(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, voice: VoiceFilter) -> pl.DataFrame:
    """The ranked frame narrowed to requirements with evidence that passes `voice`."""
    if not voice.active:
        return frame
    check_voice(con, voice)
    return filter_ranking(frame, requirement_counts(con, voice=voice), voice)


def narrow_sections(con: duckdb.DuckDBPyConnection, themes: Any, personas: Any, voice: VoiceFilter) -> None:
    """Themes and personas narrowed in place to those with feedback that passes `voice`, largest first;
    their size counts only those items (users), their share is dropped (it was of the whole run)."""
    if not voice.active:
        return
    where = f"feedback of {voice.describe()}"
    if themes.available:
        sizes = dict(theme_counts(con, voice=voice).select("theme_id", "items").iter_rows())
        themes.themes = sorted((t for t in themes.themes if t.theme_id in sizes),
                               key=lambda t: -sizes[t.theme_id])
        for t in themes.themes:
            t.size, t.share = int(sizes[t.theme_id]), None
        themes.available = bool(themes.themes)
        themes.message = (f"{themes.message} (items of {where})" if themes.themes
                          else f"No feedback theme holds {where}")
    if personas.available:
        users = dict(persona_counts(con, voice=voice).select("persona_id", "users").iter_rows())
        personas.personas = sorted((p for p in personas.personas if p.persona_id in users),
                                   key=lambda p: -users[p.persona_id])
        for p in personas.personas:
            p.size, p.share = int(users[p.persona_id]), None
        personas.available = bool(personas.personas)
        personas.message = (f"{personas.message} (users who wrote {where})" if personas.personas
                            else f"No persona's users wrote {where}")


def proposal_section(con: duckdb.DuckDBPyConnection, voice: VoiceFilter) -> ProposalSection:
    """Proposed requirements of the latest themes run (narrowed by `voice`)."""
    frame = latest_proposals(con, voice=voice)
    if frame.is_empty():
        return ProposalSection(False, NO_PROPOSALS)
    proposals = [Proposal(str(r["proposal_id"]), str(r["title"]), str(r["description"] or ""),
                          int(r["evidence_count"] or 0), int(r["distinct_users"] or 0),
                          list(r["personas"] or []), list(r["quotes"] or [])[:3], str(r["status"]),
                          r["req_id"])
                 for r in frame.iter_rows(named=True)]
    waiting = sum(p.status == "proposed" for p in proposals)
    message = (f"{len(proposals)} feature-request themes no backlog item covered ({waiting} still proposed, "
               f"{len(proposals) - waiting} accepted)")
    return ProposalSection(True, message, proposals)

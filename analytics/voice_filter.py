"""The intent/sentiment filter of the voice-of-the-user views (DESIGN §7): one dataclass, SQL per view.

A `VoiceFilter` keeps the feedback items of the latest intents run whose intent is one of
``intents`` and whose sentiment is one of ``sentiments`` (an empty tuple lets every value through).
The Feedback themes, Personas and Prioritisation pages and the report all apply it through the
functions here, so a page holds widgets and no filter logic:

* themes — each theme's members that pass (items, distinct users); themes with none drop out;
* personas — each persona's users who wrote an item that passes;
* prioritisation — each requirement's evidence items that pass; requirements with none drop out,
  their score and rank are the unfiltered ones (the filter narrows the list, it does not re-score);
* proposed requirements — those whose feature requests include an item that passes.

Without an intents run nothing passes an active filter; an inactive filter changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from analytics.errors import UserLensError
from analytics.sqlfiles import run_sql

SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class VoiceFilter:
    """Which feedback items count: intents and sentiments to keep (empty = all)."""

    intents: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "intents", tuple(str(i).strip() for i in self.intents if str(i).strip()))
        object.__setattr__(self, "sentiments", tuple(str(s).strip().lower() for s in self.sentiments
                                                     if str(s).strip()))
        bad = [s for s in self.sentiments if s not in SENTIMENTS]
        if bad:
            raise UserLensError(f"Unknown sentiment {', '.join(map(repr, bad))}: use "
                                f"{', '.join(SENTIMENTS)}.")

    @property
    def active(self) -> bool:
        """True when the filter keeps only some items."""
        return bool(self.intents or self.sentiments)

    def params(self) -> dict[str, list[str]]:
        """The SQL parameters ``$intents`` and ``$sentiments``."""
        return {"intents": list(self.intents), "sentiments": list(self.sentiments)}

    def describe(self) -> str:
        """One line for captions and the report: 'intent feature request · sentiment negative'."""
        parts = []
        if self.intents:
            parts.append("intent " + " or ".join(self.intents))
        if self.sentiments:
            parts.append("sentiment " + " or ".join(self.sentiments))
        return " · ".join(parts) or "all feedback"

    @classmethod
    def parse(cls, intents: str | None = None, sentiments: str | None = None) -> VoiceFilter:
        """From comma-separated text (the CLI's ``--intent`` and ``--sentiment``)."""
        return cls(tuple((intents or "").split(",")), tuple((sentiments or "").split(",")))


ALL = VoiceFilter()  # the inactive filter: every item counts


def voice_values(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The intents and sentiments of the latest intents run (most frequent first): the filter's choices.

    Returns
    -------
    dict
        {"intent": [...], "sentiment": [...]}; empty lists without an intents run.
    """
    rows = run_sql(con, "voice_values")
    return {f: rows.filter(pl.col("field") == f)["value"].to_list() for f in ("intent", "sentiment")}


def voice_items(con: duckdb.DuckDBPyConnection, *, voice: VoiceFilter = ALL) -> pl.DataFrame:
    """Feedback items of the latest intents run that pass `voice`.

    Returns
    -------
    polars.DataFrame
        feedback_id, user_id, text, rating, intent, confidence, sentiment, labelled_as.
    """
    return run_sql(con, "voice_items", **voice.params())


def theme_counts(con: duckdb.DuckDBPyConnection, *, voice: VoiceFilter = ALL) -> pl.DataFrame:
    """Per theme of the latest run, its members that pass `voice`: theme_id, items, users."""
    return run_sql(con, "voice_theme_counts", **voice.params())


def persona_counts(con: duckdb.DuckDBPyConnection, *, voice: VoiceFilter = ALL) -> pl.DataFrame:
    """Per persona of the latest run, users who wrote an item that passes `voice`: persona_id, name, users,
    items."""
    return run_sql(con, "voice_persona_counts", **voice.params())


def requirement_counts(con: duckdb.DuckDBPyConnection, *, voice: VoiceFilter = ALL) -> pl.DataFrame:
    """Per requirement, its evidence (latest linking run) that passes `voice`: req_id, items, users."""
    return run_sql(con, "voice_requirement_evidence", **voice.params())


def filter_ranking(ranking: pl.DataFrame, counts: pl.DataFrame, voice: VoiceFilter) -> pl.DataFrame:
    """A prioritised ranking narrowed to the requirements with evidence that passes `voice`.

    `counts` is `requirement_counts` of the same filter. Adds ``filtered_evidence`` and
    ``filtered_users`` (that evidence's items and distinct users); rank and score stay those of the
    whole backlog. An inactive filter returns `ranking` unchanged.
    """
    if not voice.active:
        return ranking
    found = counts.select("req_id", pl.col("items").alias("filtered_evidence"),
                          pl.col("users").alias("filtered_users"))
    return ranking.join(found, on="req_id", how="inner", maintain_order="left")


def filter_proposals(con: duckdb.DuckDBPyConnection, proposals: pl.DataFrame,
                     voice: VoiceFilter) -> pl.DataFrame:
    """Proposals whose feature requests include an item that passes `voice` (all when inactive)."""
    if not voice.active or proposals.is_empty():
        return proposals
    kept = set(voice_items(con, voice=voice)["feedback_id"].to_list())
    return proposals.filter(pl.col("feedback_ids").list.eval(pl.element().is_in(list(kept))).list.any())

"""All Streamlit caching of the dashboard lives here (DESIGN §9).

Every cached read is keyed on the workspace file and on the data versions (`Workspace.versions`)
of exactly the tables it reads, so an upload of events invalidates the event metrics and leaves
the Kano and prioritisation results cached. A settings change (timezone, week start) bumps every
data version, so period results follow it. Pages call the functions below and never
`st.cache_data` themselves.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st

from analytics import catalog, cohorts, correlation, engagement, eventspec, experiment, lifecycle
from analytics import paths as paths_mod
from analytics import stepmatrix
from analytics import proposals, voice_filter
from analytics import sensitivity as sensitivity_mod
from analytics.ingest import MappingPreview, detect_mapping, list_batches, rejects_for
from analytics.queries import FunnelQuery, KanoQuery, PrioritiseQuery, RetentionQuery
from analytics.query import Query
from analytics.workspace import Workspace, open_workspace
from dashboard import uploads, workspaces
from embeddings.store import latest_persona_map, latest_personas, latest_themes

_EVENTS = ("events",)
_ALL = ("events", "users", "feedback", "kano_responses", "requirements")

# The declared metrics (analytics/queries.py): read by name, keyed on exactly the tables they declare.
DECLARED: dict[str, type[Query]] = {"retention": RetentionQuery, "funnel": FunnelQuery,
                                    "kano_results": KanoQuery, "prioritise": PrioritiseQuery}
_VOICE = ("feedback_intents", "feedback_labels")

# name -> (function of (con, **params), tables whose versions key its cache)
READS: dict[str, tuple[Callable[..., Any], tuple[str, ...]]] = {
    **{name: (cls.function(), cls.TABLES) for name, cls in DECLARED.items()},
    "kpis": (engagement.kpis, _EVENTS),
    "session_kpis": (engagement.session_kpis, _EVENTS),
    "dau_wau_mau": (engagement.dau_wau_mau, _EVENTS),
    "power_users": (engagement.power_users, _EVENTS),
    "lifecycle": (lifecycle.lifecycle, _EVENTS),
    "event_names": (catalog.event_names, _EVENTS),
    "user_attribute_keys": (catalog.user_attribute_keys, ("users",)),
    "user_attribute_profile": (catalog.user_attribute_profile, ("events", "users")),
    "cohort_scores": (cohorts.cohort_scores, ("events", "users", "personas")),
    # journeys (Journeys page, funnel options): grouping rules travel as GroupRule dataclasses
    "grouped_event_names": (eventspec.grouped_event_names, _EVENTS),
    "event_property_keys": (catalog.event_property_keys, _EVENTS),
    "paths": (paths_mod.paths, _EVENTS),
    "step_matrix": (stepmatrix.step_matrix, _EVENTS),
    "step_matrix_difference": (stepmatrix.step_matrix_difference, ("events", "users")),
    "correlation": (correlation.correlation, ("events", "users")),
    "correlation_population": (correlation.target_users, _EVENTS),
    "experiment": (experiment.experiment, ("events", "users")),
    "kano_segment_keys": (catalog.kano_segment_keys, ("kano_responses", "users")),
    "sensitivity": (sensitivity_mod.sensitivity, PrioritiseQuery.TABLES),
    "evidence_quotes": (catalog.evidence_quotes, ("requirement_evidence", "feedback")),
    "latest_personas": (latest_personas, ("personas",)),
    # members too: forgetting a user (right to erasure) removes their dot from the map
    "latest_persona_map": (latest_persona_map, ("personas", "persona_members")),
    "latest_themes": (latest_themes, ("themes",)),
    # intents, labels and the voice filter (issue 15): each keyed on the runs and labels it reads
    "voice_values": (voice_filter.voice_values, _VOICE),
    "voice_items": (voice_filter.voice_items, (*_VOICE, "feedback")),
    "theme_counts": (voice_filter.theme_counts, (*_VOICE, "themes", "theme_members", "feedback")),
    "requirement_counts": (voice_filter.requirement_counts, (*_VOICE, "requirement_evidence")),
    "proposals": (proposals.latest_proposals, (*_VOICE, "requirement_proposals", "requirements")),
    "persona_counts": (voice_filter.persona_counts, (*_VOICE, "personas", "persona_members", "feedback")),
    "list_batches": (list_batches, _ALL),
    "rejects_for": (rejects_for, _ALL),
}


SESSION_KEY = "userlens_workspace"


def started_workspace() -> str:
    """The workspace the server was started on.

    Taken from ``--workspace W`` after the ``--`` of ``streamlit run``, else ``$USERLENS_WORKSPACE``,
    else the last workspace used (`dashboard.workspaces.default_workspace`).
    """
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--workspace", default=None)
    args, _ = parser.parse_known_args(sys.argv[1:])
    return str(args.workspace or os.environ.get("USERLENS_WORKSPACE") or workspaces.default_workspace())


def workspace_path() -> str:
    """The workspace file this browser session works on: the one picked in the sidebar, else the
    one the server was started on."""
    return str(st.session_state.get(SESSION_KEY) or started_workspace())


def switch_workspace(path: str | os.PathLike[str]) -> None:
    """Work on another workspace in this browser session (the sidebar's picker and the sample button)."""
    open_workspace(path)  # fails here, with a message, if the file cannot be opened
    st.session_state[SESSION_KEY] = str(path)


def workspace() -> Workspace:
    """The process-wide workspace of this app (one DuckDB connection, a cursor per thread)."""
    return open_workspace(workspace_path())


def key(ws: Workspace, tables: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """The cache key of a read over `tables`: their data versions."""
    versions = ws.versions()
    return tuple((t, versions.get(t, 0)) for t in tables)


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(name: str, path: str, versions: tuple[tuple[str, int], ...], params: dict[str, Any]) -> Any:
    """Run a registered read; the cache key is (name, workspace, versions of its tables, params)."""
    func, _ = READS[name]
    return func(open_workspace(path).con, **params)


def read(name: str, **params: Any) -> Any:
    """A registered analytics read on this app's workspace, cached on its tables' versions.

    Parameters
    ----------
    name : str
        A key of `READS` (e.g. ``"retention"``).
    **params
        Keyword arguments of the analytics function (plain values, lists and dicts).

    Returns
    -------
    Any
        What the function returns (usually a polars DataFrame).
    """
    if name in DECLARED:
        return query(DECLARED[name](**params))
    ws = workspace()
    _, tables = READS[name]
    return _cached(name, ws.path, key(ws, tables), params)


def query(q: Query) -> Any:
    """A declared metric (`analytics.queries`) on this app's workspace, cached on the versions of exactly
    the tables its declaration lists (the query was validated when it was built)."""
    ws = workspace()
    name = next(n for n, cls in DECLARED.items() if isinstance(q, cls))
    return _cached(name, ws.path, key(ws, q.TABLES), q.params())


def row_counts() -> dict[str, int]:
    """Rows per data table (cached on every data version)."""
    ws = workspace()
    return _row_counts(ws.path, key(ws, _ALL))


@st.cache_data(show_spinner=False, max_entries=16)
def _row_counts(path: str, versions: tuple[tuple[str, int], ...]) -> dict[str, int]:
    return open_workspace(path).row_counts()


def run_freshness(kind: str) -> Any:
    """`analytics.catalog.run_freshness` of this workspace, uncached: two small tables, and every run
    kind (intents included) must be seen the moment it is written."""
    return catalog.run_freshness(workspace().con, kind)


def clear() -> None:
    """Drop every cached result (after a write the versions change anyway; used by tests)."""
    st.cache_data.clear()


def detect(path: str, kind: str, *, delimiter: str | None = None, sheet: str | None = None) -> MappingPreview:
    """Cached `analytics.ingest.detect_mapping` of an uploaded file (keyed on its path, size and mtime)."""
    stat = os.stat(path)
    return _detect(path, kind, stat.st_size, stat.st_mtime_ns, delimiter, sheet)


@st.cache_data(show_spinner=False, max_entries=64)
def _detect(path: str, kind: str, size: int, mtime_ns: int, delimiter: str | None,
            sheet: str | None) -> MappingPreview:
    return detect_mapping(path, kind, delimiter=delimiter, sheet=sheet)


def forget_upload_previews() -> None:
    """Drop the cached previews (first rows) of uploaded files once their load has ended (privacy)."""
    _detect.clear()


@st.cache_resource(scope="session", on_release=uploads.remove_folder, show_spinner=False)
def upload_folder() -> Path:
    """This browser session's folder for uploads; released (deleted) when the session ends."""
    return uploads.new_session_folder()


_REPORT = (*_ALL, "requirement_evidence", "personas", "persona_members", "themes", "theme_members", *_VOICE,
           "requirement_proposals")


def report(**options: Any) -> Any:
    """Cached `analytics.report.build_report` (keyed on every table the report reads)."""
    ws = workspace()
    return _report(ws.path, key(ws, _REPORT), options)


@st.cache_data(show_spinner=False, max_entries=16)
def _report(path: str, versions: tuple[tuple[str, int], ...], options: dict[str, Any]) -> Any:
    from analytics.report import build_report

    return build_report(open_workspace(path).con, **options)


def report_bytes(fmt: str, **options: Any) -> bytes:
    """One format of the cached report, stamped with the time of this call (the download's time).

    The report model is cached (it only changes with the data); rendering is not, so the
    "Generated" time a reader sees is when the file was downloaded, not when the model was built.
    """
    from analytics.report import render_bytes

    rep = report(**options)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return render_bytes(dataclasses.replace(rep, generation=dataclasses.replace(rep.generation,
                                                                                generated_at=now)), fmt)

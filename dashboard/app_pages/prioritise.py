"""Prioritisation: rank the backlog with a chosen method and weights, see the value/effort matrix and
the user evidence (feedback quotes) behind each requirement."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics.figures.prioritise import ranking_figure, value_effort_figure
from analytics.prioritise import DEFAULT_WEIGHTS, METHOD_DESCRIPTIONS
from analytics.queries import PrioritiseQuery
from dashboard import cache, ui
from dashboard import widgets as w
from analytics.voice_filter import VoiceFilter
from dashboard.sections.proposals_section import narrow, proposals_section, voice_controls
from embeddings.linking import link_requirements

TOP = 20  # requirements drawn in the ranking chart

ui.header("Prioritisation", "Rank the backlog with an explicit formula, and see which users ask for each "
          "item in their own words.")
ui.require("requirements")
ws = cache.workspace()


def evidence_controls() -> None:
    """Link feedback to requirements (embedding similarity above a threshold)."""
    with st.expander("Evidence from feedback: link requirements to what users wrote", icon=":material/link:"):
        st.caption("Each requirement is matched to the feedback items whose meaning is close to its title "
                   "and description. The evidence fills missing reach (distinct users) and confidence, and "
                   "names the personas affected. Nothing is invented: where a value is missing the default "
                   "used is flagged in the table.")
        c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
        threshold = c1.slider("Similarity threshold", 0.2, 0.9, 0.45, 0.01, key="link-threshold",
                              help="Cosine similarity a feedback item needs to count as evidence.")
        if c2.button("Link feedback to requirements", icon=":material/link:", key="link-run"):
            link(threshold)
    if ui.stale_notice("evidence", button="Link again", key="link-rerun"):
        link(st.session_state.get("link-threshold", 0.45))


def link(threshold: float) -> None:
    """Run requirement linking with progress, then show the page again."""
    with st.status("Embedding requirements and feedback, matching ...") as status:
        found = link_requirements(ws, threshold=float(threshold))
        status.update(label=f"Linked {int(found['evidence_count'].sum()):,} feedback items to "
                      f"{int((found['evidence_count'] > 0).sum())} requirements.", state="complete")
    st.rerun()


def method_controls() -> tuple[str, dict[str, float]]:
    """Method and its weights."""
    with st.container(border=True):
        c1, c2 = st.columns([1, 2])
        method = w.selectbox(PrioritiseQuery, "method", where=c1, key="prio-method")
        c2.caption(METHOD_DESCRIPTIONS[method])
        weights: dict[str, float] = {}
        defaults = DEFAULT_WEIGHTS.get(method, {})
        if defaults:
            cols = st.columns(len(defaults))
            for col, (name, value) in zip(cols, defaults.items(), strict=True):
                weights[name] = col.slider(name.replace("_", " "), 0.0, 3.0, float(value), 0.1,
                                           key=f"w-{method}-{name}")
    return method, weights


def ranking(method: str, weights: dict[str, float], voice: VoiceFilter) -> pl.DataFrame:
    """KPIs, the ranking chart and table, the value/effort matrix."""
    frame = narrow(cache.read("prioritise", method=method, weights=weights), voice)  # intent filter
    if frame.is_empty():
        st.info(f"No requirement has linked feedback of {voice.describe()}.",
                icon=":material/filter_alt_off:")
        return frame
    flagged = frame.filter(pl.col("flags").list.len() > 0).height
    top = frame.row(0, named=True)
    ui.kpi_row([
        ("Requirements", str(frame.height), "Backlog items ranked."),
        ("Top item", f"{top['req_id']}", f"{top['title']} (score {top['score']:,.2f})"),
        ("With user evidence", str(frame.filter(pl.col("evidence_count") > 0).height),
         "Requirements matched to at least one feedback item by the latest linking run."),
        ("Using a default", str(flagged),
         "Items where an input was missing and a documented default was used (hatched in the chart; see the "
         "flags column)."),
    ])
    rank_tab, matrix_tab, table_tab = ui.lazy_tabs(["Ranking", "Value / effort matrix", "Table"], "prio-tabs")
    if rank_tab.open:
        with rank_tab:
            ui.plot(ranking_figure(frame, top=TOP), key="prio-ranking")
            if frame.height > TOP:
                st.caption(f"The chart shows the top {TOP} of {frame.height} requirements; the Table tab "
                           "lists all of them.")
    if matrix_tab.open:
        with matrix_tab:
            needed = {"reach", "impact", "confidence", "effort"}
            matrix = (frame if needed <= set(frame.columns)
                      else cache.read("prioritise", method="value-effort"))
            ui.plot(value_effort_figure(matrix), key="prio-matrix")
            st.caption("Value = reach × impact × confidence; split at the backlog medians: quick wins (high "
                       "value, low effort), big bets, fill-ins and money pits. The matrix always uses these "
                       "RICE inputs, whatever the ranking method.")
    if table_tab.open:
        with table_tab:
            ui.table(frame)
            c1, c2 = st.columns(2)
            with c1:
                ui.download(frame, f"priorities-{method}", key="dl-prio")
            with c2:
                ui.download_xlsx(frame, f"priorities-{method}", key="dl-prio-xlsx")
    with st.expander("How stable is this top 10? (each weight moved by ±20 %)", icon=":material/tune:"):
        ui.table(cache.read("sensitivity", method=method, weights=weights))
        st.caption("Top-10 overlap = share of the top 10 that stays in the top 10; Kendall τ = rank "
                   "agreement of the whole list (1 = identical).")
    return frame


def drill_down(frame: pl.DataFrame) -> None:
    """Pick a requirement: its inputs, where each came from, and the feedback behind it."""
    st.subheader("Evidence drill-down", anchor=False)
    ids = frame["req_id"].to_list()
    titles = dict(zip(ids, frame["title"].to_list(), strict=True))
    req = st.selectbox("Requirement", ids, key="prio-req", format_func=lambda r: f"{r} — {titles[r]}")
    row = frame.filter(pl.col("req_id") == req).row(0, named=True)
    quotes = cache.read("evidence_quotes", req_id=req)
    c = st.columns(4)
    c[0].metric("Rank", f"#{row['rank']}", help="Position in the ranking above.")
    c[1].metric("Feedback items", ui.fmt_int(row["evidence_count"]))
    c[2].metric("Distinct users", ui.fmt_int(row["evidence_users"]))
    c[3].metric("Personas affected", ui.fmt_int(row["personas_affected"]))
    st.caption("Where each input came from: " + str(row["provenance"]))
    if row["flags"]:
        st.warning("Defaults used: " + "; ".join(str(f) for f in row["flags"]), icon=":material/flag:")
    if quotes.is_empty():
        st.info("No feedback is linked to this requirement. Press **Link feedback to requirements** (under "
                "Evidence from feedback, above), or lower the similarity threshold.", icon=":material/info:")
        return
    for q in quotes.head(5).iter_rows(named=True):
        ui.quote(q["text"])
        st.caption(f"similarity {q['similarity']:.2f} · user {q['user_id'] or 'anonymous'}"
                   + (f" · rating {q['rating']:.0f}" if q["rating"] is not None else "")
                   + (f" · {q['channel']}" if q["channel"] else ""))
    with st.expander(f"All {quotes.height:,} linked feedback items"):
        ui.table(quotes)
        ui.download(quotes, f"evidence-{req}", key="dl-evidence")


with ui.errors():
    evidence_controls()
    chosen_method, chosen_weights = method_controls()
    chosen_voice = voice_controls()
    ranked = ranking(chosen_method, chosen_weights, chosen_voice)
    if not ranked.is_empty():
        st.divider()
        drill_down(ranked)
    st.divider()
    proposals_section(chosen_voice, cache.read("prioritise", method=chosen_method, weights=chosen_weights))

"""Personas: cluster users on what they write and what they do; cards, a 2D map, the k control."""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from dashboard import cache, ui
from embeddings.figures import persona_map
from embeddings.personas import CONFIDENCE_NOTE, run_personas

ui.header("Personas", "Groups of users found from their feedback (text embeddings) and their behaviour "
          "(event profile), described only by what the data shows.")
ui.require("events")
ws = cache.workspace()


def run(k: int | None) -> None:
    """Embed, cluster and store a persona run (cards, members and map coordinates), showing progress."""
    with st.status("Finding personas ...", expanded=True) as status:
        bar = st.progress(0.0, text="Embedding feedback (each text once; later runs reuse the cache) ...")

        def progress(done: int, total: int) -> None:
            bar.progress(min(1.0, done / max(total, 1)),
                         text=f"Embedding feedback: {done:,} / {total:,} texts")

        st.write("Clustering users (k-means" + (", choosing k automatically" if k is None else f", k = {k}")
                 + ") ...")
        result = run_personas(ws, k=k, seed=0, progress=progress)
        bar.progress(1.0, text="Embedding done.")
        status.update(label=f"Found {len(result.clusters)} personas.", state="complete", expanded=False)


def controls(has_run: bool) -> None:
    """k (auto or fixed) and the run button."""
    with st.container(border=True):
        c1, c2, c3 = st.columns([1, 1, 2], vertical_alignment="bottom")
        auto = c1.toggle("Choose k automatically", value=True, key="persona-auto",
                         help="Tries k = 2 … 10 and keeps the best sampled silhouette / Davies–Bouldin "
                              "score.")
        k = c2.number_input("Number of personas (k)", 2, 20, value=4, key="persona-k", disabled=auto)
        label = "Find personas again" if has_run else "Find personas"
        if c3.button(label, type="primary", icon=":material/groups:", key="persona-run"):
            with ui.errors():
                run(None if auto else int(k))
                st.rerun()


def card(row: dict, base: dict) -> None:
    """One persona card: share, keywords, behaviour against the base, quotes, confidence."""
    fig = json.loads(row["figures"]) if row["figures"] else {}
    with st.container(border=True):
        st.markdown(f"#### {ui.md_escape(row['name'])}")
        c = st.columns(3)
        c[0].metric("Share of users", ui.fmt_pct(row["share"]), f"{row['size']:,} users", delta_color="off",
                    delta_arrow="off")
        epu, base_epu = fig.get("events_per_user"), base.get("base_events_per_user")
        c[1].metric("Events per user", f"{epu:,.1f}" if epu is not None else "–",
                    f"base {base_epu:,.1f}" if base_epu else None, delta_color="off", delta_arrow="off")
        c[2].metric("Confidence", f"{row['confidence']:.2f}" if row["confidence"] is not None else "–",
                    help=CONFIDENCE_NOTE)
        if row["keywords"]:
            ui.chips(row["keywords"][:8])
        r1, r4, rating = fig.get("retention_p1"), fig.get("retention_p4"), fig.get("mean_rating")
        st.caption(f"Retention week 1 {ui.fmt_pct(r1)} · week 4 {ui.fmt_pct(r4)} · mean rating "
                   f"{'–' if rating is None else f'{rating:.2f}'} · "
                   f"{fig.get('n_with_text', 0):,} users wrote feedback")
        parts = [f"{fig[n]:,} {label} ({fig[key]:.2f})" for key, n, label in (
            ("confidence_text", "n_clustered", "clustered on their feedback"),
            ("confidence_assigned", "n_assigned", "assigned by behaviour")) if fig.get(key) is not None]
        if parts:
            st.caption("Confidence from " + " and ".join(parts) + ".")
        top = fig.get("top_events") or []
        if top:
            ui.table(pl.DataFrame(top).select("event", pl.col("per_user").round(2),
                                              pl.col("lift").round(2)), height=180,
                     column_config={"lift": st.column_config.NumberColumn(
                         help="Events per user in this persona / in the whole base")})
        for q in (row["quotes"] or [])[:3]:
            ui.quote(q)


with ui.errors():
    personas = cache.read("latest_personas")
    controls(not personas.is_empty())
    if personas.is_empty():
        st.info("No persona run yet: press **Find personas**. With the bundled model this takes a few "
                "seconds per thousand feedback texts on a laptop; embeddings are cached for the next run.",
                icon=":material/info:")
        st.stop()
    summary = json.loads(personas["summary"][0] or "{}")
    if summary.get("encoder_note"):
        st.warning(summary["encoder_note"], icon=":material/translate:")
    ui.kpi_row([
        ("Personas", str(personas.height), "k of the latest run."),
        ("Users clustered", ui.fmt_int(summary.get("n_users")), "Users with events or feedback."),
        ("With feedback text", ui.fmt_int(summary.get("n_with_text")),
         "Users whose text vector comes from their own feedback; the others are placed by behaviour."),
        ("Run", f"{personas['created_at'][0]:%d %b %H:%M}", "When the latest persona run was made (UTC)."),
    ])
    base = json.loads(personas["figures"][0] or "{}")
    rows = personas.sort("size", descending=True).to_dicts()
    for start in range(0, len(rows), 2):
        cols = st.columns(2)
        for col, row in zip(cols, rows[start:start + 2], strict=False):
            with col:
                card(row, base)
    st.subheader("Map of users", anchor=False)
    coords = cache.read("latest_persona_map")
    if not coords.is_empty():
        ui.plot(persona_map(coords), key="persona-map")
        st.caption("Each dot is a user, placed by the first two principal components of their combined text "
                   "+ behaviour vector and coloured by persona. Nearby dots are similar users.")
    else:
        st.info("This persona run was stored before runs kept their map: press **Find personas again** "
                "to draw it (cached embeddings make it quick).", icon=":material/map:")
    if summary.get("k_scores"):
        with st.expander("How k was chosen", icon=":material/info:"):
            ui.table(pl.DataFrame(summary["k_scores"]))
            st.caption("Higher silhouette and lower Davies–Bouldin mean better separated groups.")
    ui.download(personas.drop("summary", "figures"), "personas", key="dl-personas")

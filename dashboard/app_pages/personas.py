"""Personas: cluster users on what they write and what they do; cards, a 2D map, the k control."""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from dashboard import cache, ui
from dashboard.voice_ui import voice_filter
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


def controls(personas: pl.DataFrame, summary: dict) -> int | None:
    """k (auto or fixed) and the run button; returns the k the next run uses (None: automatic)."""
    with st.container(border=True):
        c1, c2, c3 = st.columns([1, 1, 2], vertical_alignment="bottom")
        auto = c1.toggle("Choose k automatically", value=True, key="persona-auto",
                         help="Tries k = 2 … 10 and keeps the best sampled silhouette / Davies–Bouldin "
                              "score.")
        k = None
        if auto:  # show the k that was chosen, never a stale number in a disabled box
            c2.markdown(chosen_k_text(personas.height, summary), help="The number of personas (k).")
        else:
            k = int(c2.number_input("Number of personas (k)", 2, 20, value=4, key="persona-k"))
        label = "Find personas again" if not personas.is_empty() else "Find personas"
        if c3.button(label, type="primary", icon=":material/groups:", key="persona-run"):
            with ui.errors():
                run(k)
                st.rerun()
    return k


def chosen_k_text(found: int, summary: dict) -> str:
    """What the automatic k is: the k of the latest run when it was chosen automatically."""
    if not found:
        return "k is chosen automatically when you run."
    if summary.get("k_scores"):
        return f"**k = {found}**, chosen automatically in the latest run."
    return f"The latest run used **k = {found}** (set by hand); the next run chooses k automatically."


def card(row: dict, base: dict, retention: dict, clustered_on: str, matching: str | None = None) -> None:
    """One persona card: share, keywords, behaviour against the base, quotes, confidence."""
    fig = json.loads(row["figures"]) if row["figures"] else {}
    with st.container(border=True):
        st.markdown(f"#### {ui.md_escape(row['name'])}")
        c = st.columns(3)
        c[0].metric("Share of users", ui.fmt_pct(row["share"]), ui.plural(row["size"], "user"),
                    delta_color="off", delta_arrow="off")
        epu, base_epu = fig.get("events_per_user"), base.get("base_events_per_user")
        c[1].metric("Events per user", ui.fmt_num(epu), f"base {base_epu:,.1f}" if base_epu else None,
                    delta_color="off", delta_arrow="off")
        c[2].metric("Confidence", ui.fmt_num(row["confidence"], 2), help=CONFIDENCE_NOTE)
        r1, r4 = retention.get("retention_1"), retention.get("retention_4")
        c = st.columns(3)
        c[0].metric("Retention week 1", ui.fmt_pct(r1), help=ui.display.retention_definition(1)
                    + " The same number as Retention → Cohort scoring by persona.")
        c[1].metric("Retention week 4", ui.fmt_pct(r4), help=ui.display.retention_definition(4))
        c[2].metric("Mean rating", ui.fmt_num(fig.get("mean_rating"), 2),
                    help="Mean rating of the feedback written by the persona's users.")
        if row["keywords"]:
            ui.chips(row["keywords"][:8])
        st.caption(f"{ui.plural(fig.get('n_with_text', 0), 'user')} of {ui.plural(row['size'], 'user')} "
                   "wrote feedback.")
        if matching:
            st.caption(matching)
        parts = [f"{fig[n]:,} {label} ({fig[key]:.2f})" for key, n, label in (
            ("confidence_text", "n_clustered", clustered_on),
            ("confidence_assigned", "n_assigned", "assigned by behaviour")) if fig.get(key) is not None]
        if parts:
            st.caption("Confidence from " + " and ".join(parts) + ".")
        top = fig.get("top_events") or []
        if top:
            ui.table(pl.DataFrame(top).select("event", "per_user", "lift"))
        for q in (row["quotes"] or [])[:3]:
            ui.quote(q)


def clustered_label(rows: list[dict], with_text: int) -> str:
    """How the "clustered" users of this run were placed: on their feedback (two stages), on behaviour
    alone (nobody wrote feedback), or on both together (one stage)."""
    if any((json.loads(r["figures"] or "{}").get("n_assigned") or 0) > 0 for r in rows):
        return "clustered on their feedback"
    return "clustered on their behaviour" if with_text == 0 else "clustered on behaviour and feedback"


with ui.errors():
    personas = cache.read("latest_personas")
    summary = json.loads(personas["summary"][0] or "{}") if not personas.is_empty() else {}
    chosen = controls(personas, summary)
    if personas.is_empty():
        st.info("No persona run yet: press **Find personas**. With the bundled model this takes a few "
                "seconds per thousand feedback texts on a laptop; embeddings are cached for the next run.",
                icon=":material/info:")
        st.stop()
    if ui.stale_notice("personas", button="Find personas again", key="persona-rerun"):
        run(chosen)
        st.rerun()
    if summary.get("encoder_note"):
        st.warning(summary["encoder_note"], icon=":material/translate:")
    with_text = int(summary.get("n_with_text") or 0)
    ui.kpi_row([
        ("Personas", str(personas.height), "k of the latest run."),
        ("Users clustered", ui.fmt_int(summary.get("n_users")), "Users with events or feedback."),
        ("Users who wrote feedback", ui.fmt_int(with_text),
         "Users with at least one feedback text under their user id: their text vector comes from their own "
         "words. The others are placed by their behaviour."),
        ("Run", f"{personas['created_at'][0]:%d %b %H:%M}", "When the latest persona run was made (UTC)."),
    ])
    base = json.loads(personas["figures"][0] or "{}")
    rows = personas.sort("size", descending=True).to_dicts()
    voice = voice_filter("persona-voice")
    matching: dict[int, str] = {}
    if voice.active:  # only personas whose users wrote feedback of the chosen intents / sentiments
        counts = cache.read("persona_counts", voice=voice)
        matching = {int(r["persona_id"]): f"{ui.plural(r['users'], 'user')} wrote "
                    f"{ui.plural(r['items'], 'item')} of {voice.describe()}."
                    for r in counts.iter_rows(named=True)}
        rows = [r for r in rows if int(r["id"]) in matching]
        st.caption(f"Showing {ui.plural(len(rows), 'persona')} with feedback of {voice.describe()}.")
    scores = {r["cohort"]: r for r in cache.read("cohort_scores", by="persona").iter_rows(named=True)}
    clustered_on = clustered_label(rows, with_text)
    for start in range(0, len(rows), 2):
        cols = st.columns(2)
        for col, row in zip(cols, rows[start:start + 2], strict=False):
            with col:
                card(row, base, scores.get(row["name"], {}), clustered_on, matching.get(int(row["id"])))
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
        with st.expander(f"How k = {personas.height} was chosen", icon=":material/info:"):
            ui.table(pl.DataFrame(summary["k_scores"]))
            st.caption("Higher silhouette and lower Davies–Bouldin mean better separated groups. The run "
                       "keeps the smallest k whose silhouette is within 0.02 of the best and whose smallest "
                       "persona holds at least 3 % of the users.")
    ui.download(personas.drop("summary", "figures"), "personas", key="dl-personas")

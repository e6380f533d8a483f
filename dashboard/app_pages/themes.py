"""Feedback themes: what users write about, how often, how they feel about it, and how it moves over time."""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from dashboard import cache, ui
from embeddings.figures import theme_trend
from embeddings.themes import run_themes

ui.header("Feedback themes", "Feedback grouped by meaning (text embeddings + k-means), named by its most "
          "distinctive words, with the NPS and rating of each theme.")
ui.require("feedback")
ws = cache.workspace()


def run(k: int | None) -> None:
    """Embed and cluster every feedback item with progress, then store the run."""
    with st.status("Finding themes ...", expanded=True) as status:
        bar = st.progress(0.0, text="Embedding feedback ...")

        def progress(done: int, total: int) -> None:
            bar.progress(min(1.0, done / max(total, 1)), text=f"Embedding feedback: {done:,} / {total:,}")

        how = "choosing k automatically" if k is None else f"k = {k}"
        st.write(f"Clustering feedback ({how}) ...")
        result = run_themes(ws, k=k, seed=0, progress=progress)
        bar.progress(1.0, text="Embedding done.")
        status.update(label=f"Found {len(result.clusters)} themes.", state="complete", expanded=False)


def trend_frame(themes: pl.DataFrame) -> pl.DataFrame:
    """month, theme_id, theme, count from the per-theme trend stored with the run."""
    rows = [{"month": p["month"], "theme_id": int(r["id"]), "theme": r["name"], "count": int(p["count"])}
            for r in themes.iter_rows(named=True) for p in json.loads(r["figures"] or "{}").get("trend", [])]
    if not rows:
        return pl.DataFrame(schema={"month": pl.Date, "theme_id": pl.Int32, "theme": pl.Utf8,
                                    "count": pl.Int64})
    return pl.DataFrame(rows).with_columns(pl.col("month").str.to_date())


with ui.errors():
    themes = cache.read("latest_themes")
    with st.container(border=True):
        c1, c2, c3 = st.columns([1, 1, 2], vertical_alignment="bottom")
        auto = c1.toggle("Choose k automatically", value=True, key="theme-auto")
        k = c2.number_input("Number of themes (k)", 2, 40, value=8, key="theme-k", disabled=auto)
        if c3.button("Find themes again" if not themes.is_empty() else "Find themes", type="primary",
                     icon=":material/forum:", key="theme-run"):
            run(None if auto else int(k))
            st.rerun()
    if themes.is_empty():
        st.info("No theme run yet: press **Find themes**. Every feedback text is embedded once and cached.",
                icon=":material/info:")
        st.stop()
    summary = json.loads(themes["summary"][0] or "{}")
    if summary.get("encoder_note"):
        st.warning(summary["encoder_note"], icon=":material/translate:")
    nps = summary.get("nps")
    ui.kpi_row([
        ("Themes", str(themes.height), "k of the latest run."),
        ("Feedback items", ui.fmt_int(summary.get("n_items")), "Items clustered."),
        ("Overall NPS", "–" if nps is None else f"{nps:+.0f}",
         "Net promoter score of all 0–10 answers: % promoters (9–10) − % detractors (0–6)."),
        ("Run", f"{themes['created_at'][0]:%d %b %H:%M}", "When the latest theme run was made (UTC)."),
    ])
    figs = {int(r["id"]): json.loads(r["figures"] or "{}") for r in themes.iter_rows(named=True)}
    overview = themes.select("id", "name", "size", "share").with_columns(
        pl.col("id").map_elements(lambda i: figs[int(i)].get("mean_rating"), return_dtype=pl.Float64)
        .alias("mean_rating"),
        pl.col("id").map_elements(lambda i: figs[int(i)].get("nps"), return_dtype=pl.Float64).alias("nps"),
        pl.col("id").map_elements(lambda i: figs[int(i)].get("nps_impact"), return_dtype=pl.Float64)
        .alias("nps_impact"),
    ).sort("size", descending=True)
    left, right = st.columns([1, 1])
    with left:
        ui.table(overview, column_config={
            "share": st.column_config.ProgressColumn("share", min_value=0, max_value=1, format="percent"),
            "mean_rating": st.column_config.NumberColumn(format="%.2f"),
            "nps": st.column_config.NumberColumn(format="%+.0f"),
            "nps_impact": st.column_config.NumberColumn(
                format="%+.1f", help="How much the overall NPS would rise without this theme's answers.")})
    with right:
        ui.plot(theme_trend(trend_frame(themes)), key="theme-trend")
    st.subheader("Themes", anchor=False)
    for row in themes.sort("size", descending=True).iter_rows(named=True):
        f = figs[int(row["id"])]
        title = f"{row['name']} — {int(row['size']):,} items ({ui.fmt_pct(row['share'])})"
        with st.expander(title, expanded=False):
            ui.chips(row["keywords"][:10] if row["keywords"] else [])
            rating = f.get("mean_rating")
            st.caption(f"Mean rating {'–' if rating is None else f'{rating:.2f}'} · NPS "
                       f"{'–' if f.get('nps') is None else format(f['nps'], '+.0f')} · confidence "
                       f"{'–' if row['confidence'] is None else format(row['confidence'], '.2f')}")
            for q in (row["quotes"] or [])[:3]:
                ui.quote(q)
    ui.download(themes.drop("summary", "figures"), "themes", key="dl-themes")

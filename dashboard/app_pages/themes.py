"""Feedback themes: what users write about, how often, how they feel about it, and how it moves over time."""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from analytics.voice_filter import VoiceFilter
from dashboard import cache, ui
from dashboard.sections.labelling_section import labelling_section
from dashboard.voice_ui import voice_filter
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


def controls(themes: pl.DataFrame, summary: dict) -> int | None:
    """k (auto or fixed) and the run button; returns the k the next run uses (None: automatic)."""
    with st.container(border=True):
        c1, c2, c3 = st.columns([1, 1, 2], vertical_alignment="bottom")
        auto = c1.toggle("Choose k automatically", value=True, key="theme-auto")
        k = None
        if auto:  # the k that was chosen, never a stale number in a disabled box
            if themes.is_empty():
                c2.markdown("k is chosen automatically when you run.")
            elif summary.get("k_scores"):
                c2.markdown(f"**k = {themes.height}**, chosen automatically in the latest run.")
            else:
                c2.markdown(f"The latest run used **k = {themes.height}** (set by hand); the next run "
                            "chooses k automatically.")
        else:
            k = int(c2.number_input("Number of themes (k)", 2, 40, value=8, key="theme-k"))
        if c3.button("Find themes again" if not themes.is_empty() else "Find themes", type="primary",
                     icon=":material/forum:", key="theme-run"):
            run(k)
            st.rerun()
    return k


def mix_text(mix: dict | None) -> str:
    """'feature request 60 % · bug report 25 %' from a stored share mix (top three)."""
    top = list((mix or {}).items())[:3]
    return " · ".join(f"{k} {ui.fmt_pct(v, 0)}" for k, v in top) or ui.display.MISSING


def filtered(themes: pl.DataFrame, voice: VoiceFilter) -> pl.DataFrame:
    """The themes narrowed by the intent/sentiment filter: sizes count only the items that pass."""
    if not voice.active:
        return themes
    counts = cache.read("theme_counts", voice=voice).rename({"theme_id": "id", "items": "filtered"})
    return (themes.join(counts.select("id", "filtered"), on="id", how="inner")
            .with_columns(pl.col("filtered").alias("size")).drop("filtered"))


def trend(themes: pl.DataFrame) -> None:
    """Items per month and theme; hidden, with the reason, when the feedback has no dates or one month."""
    frame = trend_frame(themes)
    months = frame["month"].n_unique()
    if months >= 2:
        ui.plot(theme_trend(frame), key="theme-trend")
    elif months == 0:
        st.info("No trend over time: the feedback has no dates. Map a time column when you load feedback to "
                "see how each theme moves month by month.", icon=":material/timeline:")
    else:
        st.info(f"No trend over time: all dated feedback is from one month ({frame['month'][0]:%B %Y}). The "
                "trend needs at least two months.", icon=":material/timeline:")


with ui.errors():
    themes = cache.read("latest_themes")
    summary = json.loads(themes["summary"][0] or "{}") if not themes.is_empty() else {}
    chosen = controls(themes, summary)
    if themes.is_empty():
        st.info("No theme run yet: press **Find themes**. Every feedback text is embedded once and cached.",
                icon=":material/info:")
        st.divider()
        labelling_section(VoiceFilter())
        st.stop()
    if ui.stale_notice("themes", button="Find themes again", key="theme-rerun"):
        run(chosen)
        st.rerun()
    if summary.get("encoder_note"):
        st.warning(summary["encoder_note"], icon=":material/translate:")
    voice = voice_filter("theme-voice")
    all_themes, themes = themes, filtered(themes, voice)
    if voice.active:
        st.caption(f"Showing {ui.plural(themes.height, 'theme')} with feedback of {voice.describe()}; sizes "
                   "count only those items (the trend and the shares are of the whole run).")
    nps = summary.get("nps")
    ui.kpi_row([
        ("Themes", str(all_themes.height), "k of the latest run."),
        ("Feedback items", ui.fmt_int(summary.get("n_items")), "Items clustered in the latest run."),
        ("Overall NPS", ui.display.MISSING if nps is None else f"{nps:+.0f}",
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
    ).sort("size", descending=True).drop("id")
    ui.table(overview, labels={"name": "Theme", "size": "Items"})
    trend(all_themes)
    st.subheader("Themes", anchor=False)
    if themes.is_empty():
        st.info(f"No theme holds feedback of {voice.describe()}.", icon=":material/filter_alt_off:")
    for row in themes.sort("size", descending=True).iter_rows(named=True):
        f = figs[int(row["id"])]
        title = f"{row['name']} — {ui.plural(int(row['size']), 'item')} ({ui.fmt_pct(row['share'])})"
        with st.expander(title, expanded=False):
            ui.chips(row["keywords"][:10] if row["keywords"] else [])
            nps_text = ui.display.MISSING if f.get("nps") is None else format(f["nps"], "+.0f")
            st.caption(f"Mean rating {ui.fmt_num(f.get('mean_rating'), 2)} · NPS {nps_text} · confidence "
                       f"{ui.fmt_num(row['confidence'], 2)}")
            st.caption(f"Intents: {mix_text(f.get('intents'))} · sentiment: {mix_text(f.get('sentiment'))} "
                       "(when the themes were found)")
            for q in (row["quotes"] or [])[:3]:
                ui.quote(q)
    ui.download(themes.drop("summary", "figures"), "themes", key="dl-themes")
    st.divider()
    labelling_section(voice)

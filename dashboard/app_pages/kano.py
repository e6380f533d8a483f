"""Kano: which features users expect, which delight them, which they do not care about."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics.figures.kano import MAX_LABELS, better_worse_figure, continuous_figure
from analytics.names import kano_title
from analytics.queries import KanoQuery
from dashboard import cache, ui
from dashboard import widgets as w

FONG_HELP = ("Fong test: the top two categories differ significantly "
             "(a − b ≥ 1.65·√((a+b)(2n−a−b)/(2n))).")

ui.header("Kano", "Classify features from the survey's paired questions (how would you feel if the product "
          "had it / did not have it) and compare how much each one adds or takes away.")
ui.require("kano")

def unnamed(frame: pl.DataFrame) -> None:
    """Say so when the chart has too many points to name them all."""
    if frame.height > MAX_LABELS:
        st.caption(f"{frame.height} points are too many to name on the chart: hover a point for its feature, "
                   "or show fewer segments.")


with ui.errors():
    with st.container(border=True):
        c1, c2 = st.columns(2)
        table = w.segmented(KanoQuery, "table", where=c1, key="kano-table")
        segments = [None]
        if not cache.read("latest_personas").is_empty():
            segments.append("persona")
        segments += ["cohort", *cache.read("kano_segment_keys")]
        seg_names = w.spec(KanoQuery, "segment").names or {}
        segment = w.selectbox(KanoQuery, "segment", where=c2, options=segments, key="kano-segment",
                              format_func=lambda s: seg_names.get(s, f"Attribute: {s}"))
    frame = cache.query(KanoQuery(table=table, segment=segment))
    if frame.is_empty():
        st.info("No Kano answers match: load a Kano survey on the Data page.")
        st.stop()
    whole = frame if segment is None else cache.query(KanoQuery(table=table))
    counts = whole["category"].value_counts()
    per = {r["category"]: r["count"] for r in counts.iter_rows(named=True)}
    ui.kpi_row([
        ("Features", str(whole.height), "Features asked about in the survey."),
        ("Answers per feature", ui.fmt_int(whole["n"].max()),
         "Largest number of answer pairs for a feature."),
        ("Clear category", f"{int(whole['significant'].sum())} of {whole.height}",
         "Features whose two most frequent categories differ significantly. " + FONG_HELP),
    ])
    ui.kpi_row([
        (kano_title("M"), str(per.get("M", 0)),
         "Expected: their absence makes users unhappy, their presence does not delight."),
        (kano_title("O"), str(per.get("O", 0)), "The more, the better: satisfaction rises with them."),
        (kano_title("A"), str(per.get("A", 0)),
         "Delighters: unexpected, they please; missing, nobody complains."),
        (kano_title("I"), str(per.get("I", 0)), "Users do not care either way."),
    ])
    if segment is not None:
        values = frame["segment"].unique(maintain_order=True).to_list()
        shown = st.multiselect("Segments shown", values, default=values[:6], key="kano-values")
        frame = frame.filter(pl.col("segment").is_in(shown))
    labels = ["Better / Worse", "Categories", "Continuous (DuMouchel)"]
    scatter_tab, table_tab, cont_tab = ui.lazy_tabs(labels, "kano-tabs")
    if scatter_tab.open:
        with scatter_tab:
            ui.plot(better_worse_figure(frame), key="kano-scatter")
            unnamed(frame)
            st.caption("Better = (A + O) / (A + O + M + I): how much having the feature raises "
                       "satisfaction. |Worse| = (O + M) / (A + O + M + I): how much its absence lowers it. "
                       "Quadrants split at 0.5: top right one-dimensional, bottom right must-be, top left "
                       "attractive, bottom left indifferent.")
    if table_tab.open:
        with table_tab:
            names = pl.col("category").map_elements(kano_title, return_dtype=pl.Utf8)
            out = frame.with_columns(names.alias("category_name"))
            cols = ["segment"] if segment is not None else []
            cols += ["feature", "category_name", "n", "A", "O", "M", "I", "R", "Q", "better", "worse",
                     "category_strength", "total_strength", "significant"]
            ui.table(out.select(cols).sort([*(["segment"] if segment else []), "worse"]),
                     labels={"n": "Answers"}, helps={"significant": FONG_HELP})
            stem = f"kano-{table}" + (f"-by-{segment}" if segment else "")
            ui.download(out.select(*cols[:2], "category", *cols[2:], "fong_value", "fong_threshold"), stem,
                        key="dl-kano")
    if cont_tab.open:
        with cont_tab:
            ui.plot(continuous_figure(frame), key="kano-continuous")
            unnamed(frame)
            st.caption("Answers scored (functional: like 4, must-be 2, neutral 0, live-with −1, dislike −2; "
                       "dysfunctional: like −2, must-be −1, neutral 0, live-with 2, dislike 4) and averaged "
                       "per feature, weighted by self-stated importance where the survey has it.")
    ui.explain("Categories and tie-breaks", "Each answer pair is classified with the evaluation table; a "
               "feature's category is its most frequent class (ties: M > O > A > I > R > Q). **Category "
               "strength** = % top − % second; **total strength** = % A + % O + % M.")

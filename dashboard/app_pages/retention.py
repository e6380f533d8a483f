"""Retention: the cohort heatmap with every DESIGN §4 option, retention curves, cohort scoring."""

from __future__ import annotations

import dataclasses

import polars as pl
import streamlit as st

from analytics import catalog
from analytics.cohorts import ENGAGEMENT_SCORE_FORMULA
from analytics.figures import behaviour as figs
from analytics.figures.journeys import retention_breakdown_curves
from analytics.names import period_columns, period_index
from analytics.queries import RetentionQuery
from analytics.retention import retention_average, retention_percent
from analytics.retention_breakdown import retention_breakdown_average
from dashboard import cache, ui
from dashboard import widgets as w

ANY = "(any event)"
KS = (1, 4, 12)  # the periods cohort scoring reports

ui.header("Retention", "Of the users who started in a period, how many came back in each later period.")
ui.require("events")


def controls() -> RetentionQuery:
    """The retention options as the declared query: one widget per option of `RetentionQuery` (label,
    help, choices, default and range come from the declaration); the data supplies event names and
    attribute keys, and the date range is one widget for ``date_from`` and ``date_to``."""
    events = [ANY, *cache.read("event_names")["event"].to_list()]
    k = cache.read("kpis").row(0, named=True)
    first, last = k["first_event"].date(), k["last_event"].date()
    keys = catalog.group_keys(cache.read("user_attribute_profile"))
    data = {"start_event": events, "return_event": events, "breakdown": [None, *(f"attr:{a}" for a in keys)]}
    formats = {"breakdown": lambda b: w.spec(RetentionQuery, "breakdown").display(b) if b is None
               else f"Attribute: {b.removeprefix('attr:')}"}
    names = w.page_options(RetentionQuery)
    with st.container(border=True):
        slots = [c for _ in range(len(names) // 4 + 1) for c in st.columns(4)]  # room for the dates too
        values = {name: w.auto(RetentionQuery, name, where=slot, key=f"ret-{name.replace('_', '-')}",
                               options=data.get(name), **({"format_func": formats[name]} if name in formats
                                                          else {}))
                  for name, slot in zip(names, slots, strict=False)}
        dates = slots[len(names)].date_input(w.spec(RetentionQuery, "date_from").label, (first, last),
                                             min_value=first, max_value=last, key="ret-dates")
    d_from, d_to = (dates if isinstance(dates, tuple) and len(dates) == 2 else (first, last))
    for name in ("start_event", "return_event"):
        values[name] = None if values[name] == ANY else values[name]
    return RetentionQuery(**values, date_from=d_from, date_to=d_to)


def breakdown_curves(frame: pl.DataFrame, query: RetentionQuery) -> None:
    """One retention curve per breakdown value, and the per-value average table."""
    average = retention_breakdown_average(frame)
    ui.plot(retention_breakdown_curves(average, period=query.period), key="ret-breakdown-curves")
    ui.table(average, labels={"breakdown": query.breakdown.removeprefix("attr:")}, period=query.period,
             formats={"p*": "pct"})
    ui.download(frame, f"retention-{query.period}-by-{query.breakdown.replace(':', '-')}",
                key="dl-ret-breakdown", label="Download counts per value (CSV)")
    st.caption(f"Each value's curve is the size-weighted average retention of its own users (the top "
               f"{query.top} values by users; the rest are '(other)', users without a value '(none)').")


def average_metrics(frame: pl.DataFrame, period: str, cohort: str) -> None:
    """The size-weighted average retention at a few periods, as metrics."""
    avg = retention_average(frame).row(0, named=True)
    cols = period_columns(avg)[1:]
    shown = [c for c in cols if period_index(c) in (1, 2, 4, 8, 12, 26, 52)][:5] or cols[:5]
    if cohort == "recurring":  # a user sits in every period they were active in: these are not users
        size = ("User-periods in cohorts", ui.fmt_int(avg["cohort_size"]),
                f"Sum of the cohort sizes shown. In recurring cohorts a user counts once for every {period} "
                f"they did the start event in, so this counts user-{period}s, not distinct users.")
    else:
        size = ("Users in cohorts", ui.fmt_int(avg["cohort_size"]),
                "Sum of the cohort sizes shown: each user sits in one cohort.")
    items = [size]
    items += [(f"{period.title()} {c[1:]}", ui.fmt_pct(None if avg[c] is None else avg[c] / 100),
               f"Average retention at {period} {c[1:]}: returned users / cohort size over the cohorts whose "
               f"{period} {c[1:]} is already over (weighted by cohort size).") for c in shown]
    ui.kpi_row(items)


with ui.errors():
    query = controls()
    frame = cache.query(query)
    if frame.is_empty():
        st.info("No cohort matches these options: widen the date range or choose other events.")
        st.stop()
    period = query.period
    if query.breakdown is not None:
        breakdown_curves(frame, query)
        frame = cache.query(dataclasses.replace(query, breakdown=None))  # the whole population below
    average_metrics(frame, period, query.cohort)
    heat_tab, curve_tab, table_tab = ui.lazy_tabs(["Cohort heatmap", "Retention curves", "Table"], "ret-tabs")
    if heat_tab.open:
        with heat_tab:
            fig = figs.retention_heatmap(frame, period=period)
            fig.update_layout(height=max(420, 26 * frame.height + 160), title={"y": 0.995, "yanchor": "top"})
            fig.update_traces(texttemplate="%{z:.0f}", textfont={"size": 10})
            ui.plot(fig, key="heatmap")
    if curve_tab.open:
        with curve_tab:
            ui.plot(figs.retention_curves(frame, period=period), key="curves")
    if table_tab.open:
        with table_tab:
            show = st.segmented_control("Show", ["percent", "counts"], default="percent", key="ret-show",
                                        required=True)
            ui.table(retention_percent(frame) if show == "percent" else frame, period=period,
                     formats={"p*": "pct" if show == "percent" else "int"})
            ui.download(frame, f"retention-{period}", key="dl-ret-counts", label="Download counts (CSV)")
            ui.download(retention_percent(frame), f"retention-{period}-percent", key="dl-ret-pct",
                        label="Download percentages (CSV)")
    ui.explain("How retention is counted", f"""
- **First time**: each user sits in one cohort, the {period} of their first start event. **Recurring**: a
  user sits in every {period} in which they did the start event.
- Column 0 is the cohort size; column k counts cohort users with a return event in {period} k after the
  cohort's {period}. A return in the start {period} itself does not count for k ≥ 1.
- **On or after**: a user who returned in {period} k also counts in every column before k.
- **Rolling** periods start at each user's own start time (24 h, 7 days or 30 days long) instead of the
  calendar {period} in the workspace timezone.
- A blank cell is not observable yet (the {period} has not ended in the data): it is never counted as 0.
- The average row weights each cohort by its size and skips blank cells.""")

st.divider()
st.subheader("Cohort scoring", anchor=False)
st.caption("Compare groups of users on retention, activity and one engagement score.")
with ui.errors():
    options = ["signup_week", "signup_month"]
    if not cache.read("latest_personas").is_empty():
        options.append("persona")
    options += [f"attr:{key}" for key in catalog.group_keys(cache.read("user_attribute_profile"))]
    labels = {"signup_week": "Signup week", "signup_month": "Signup month", "persona": "Persona (latest run)"}
    by = st.selectbox("Group users by", options, key="score-by",
                      format_func=lambda o: labels.get(o, f"Attribute: {o[5:]}"),
                      help="Attributes are offered when they split the users with events into 2 to "
                           f"{catalog.MAX_GROUPS} groups.")
    scores = cache.read("cohort_scores", by=by)
    unit = "month" if by == "signup_month" else "week"
    group = "Persona" if by == "persona" else labels.get(by, by.removeprefix("attr:"))
    ui.table(scores, labels={"cohort": group, **{f"retention_{k}": f"Retention, {unit} {k}" for k in KS}},
             helps={f"retention_{k}": ui.display.retention_definition(k, unit) for k in KS})
    st.caption(ENGAGEMENT_SCORE_FORMULA)
    ui.download(scores, f"cohort-scores-{by.replace(':', '-')}", key="dl-scores")

"""Funnels & experiments: ordered conversion funnels, and A/B comparisons of user groups on a metric."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from analytics.figures import behaviour as figs
from dashboard import cache, ui

PREFERRED_STEPS = ("signup", "sign_up", "onboarding_started", "onboarding_completed", "task_created",
                   "subscription_started", "purchase")

ui.header("Funnels & experiments", "Where users drop out of a journey, and whether one group of users does "
          "better than another.")
ui.require("events")


def funnel_section() -> list[str]:
    """Steps, window, the funnel chart and table; returns the chosen steps (the experiment can use them)."""
    st.subheader("Funnel", anchor=False)
    names = cache.read("event_names")["event"].to_list()
    default = [s for s in PREFERRED_STEPS if s in names][:4] or names[:3]
    c1, c2 = st.columns([4, 1])
    steps = c1.multiselect("Steps, in order", names, default=default, key="funnel-steps",
                           help="Pick events in the order users should do them.")
    window = c2.number_input("Conversion window (days)", 1, 365, value=14, key="funnel-window",
                             help="Measured from each user's step-1 event.")
    if len(steps) < 2:
        st.info("Pick at least two steps to draw a funnel.")
        return steps
    frame = cache.read("funnel", steps=steps, window_days=float(window))
    start = frame["users"][0]
    end = frame["users"][-1]
    ui.kpi_row([
        ("Entered", ui.fmt_int(start), f"Users with a '{steps[0]}' event."),
        ("Converted", ui.fmt_int(end), f"Users who reached '{steps[-1]}' within {window} days, in order."),
        ("Overall conversion", ui.fmt_pct(end / start if start else None), "Converted / entered."),
        _biggest_drop(frame),
    ])
    left, right = st.columns([3, 2])
    with left:
        ui.plot(figs.funnel_bars(frame), key="funnel")
    with right:
        pct = st.column_config.NumberColumn(format="percent")
        ui.table(frame.with_columns((pl.col("median_seconds_from_previous") / 3600).round(1)
                                    .alias("median_hours_from_previous")).drop("median_seconds_from_previous"),
                 column_config={"conversion_from_start": pct, "conversion_from_previous": pct})
        ui.download(frame, "funnel", key="dl-funnel")
    st.caption("A user's result is the furthest step reached in any attempt: an attempt starts at a step-1 "
               f"event and must do the steps in order within {window} days of it.")
    return steps


def _biggest_drop(frame: pl.DataFrame) -> tuple[str, str, str]:
    """KPI of the weakest step: its conversion from the previous step, and its name in the help."""
    rest = frame.filter(pl.col("step") > 1).sort("conversion_from_previous")
    if rest.is_empty():
        return ("Weakest step", "–", "Needs two steps.")
    row = rest.row(0, named=True)
    return (f"Weakest step: {row['step']}", ui.fmt_pct(row["conversion_from_previous"]),
            f"Step {row['step']} ({row['step_name']}) converts the fewest users from the step before it.")


def experiment_section(steps: list[str]) -> None:
    """Group, metric and control pickers; per-group results with intervals, p-values and the SRM check."""
    st.subheader("Experiment / group comparison", anchor=False)
    keys = cache.read("user_attribute_keys")["key"].to_list()
    if not keys:
        st.info("Comparing groups needs a users file with attributes (variant, plan, country ...): upload "
                "one on the Data page.")
        return
    c1, c2, c3, c4 = st.columns(4)
    group = c1.selectbox("Group users by", keys, index=keys.index("variant") if "variant" in keys else 0,
                         key="exp-group")
    kinds = {"retained": "Retained in week k", "events": "Events per user", "active_days": "Active days",
             "funnel": "Reached the last funnel step"}
    kinds.update({f"attr:{k}": f"Attribute: {k}" for k in keys if k != group})
    kind = c2.selectbox("Metric", list(kinds), format_func=kinds.get, key="exp-metric")
    if kind == "retained":
        week = c3.number_input("Week k", 1, 52, value=1, key="exp-week")
        metric = f"retained:{week}"
    elif kind == "funnel":
        if len(steps) < 2:
            st.info("Pick at least two funnel steps above to use the funnel as the metric.")
            return
        metric = f"funnel:{','.join(steps)}:{len(steps)}"
    else:
        metric = kind
    result = cache.read("experiment", group=group, metric=metric)
    groups = result["group"].to_list()
    control = c4.selectbox("Control group", groups, key="exp-control",
                           help="The group the others are compared with.")
    if control != groups[0]:
        result = cache.read("experiment", group=group, metric=metric, control=control)
    binary = result["kind"][0] == "binary"
    for row in result.filter(~pl.col("is_control")).iter_rows(named=True):
        _verdict(row, control, binary)
    srm = result["srm_p_value"][0]
    if srm is not None and srm < 0.01:
        st.warning(f"Sample-ratio mismatch: group sizes differ from an equal split (χ² p = {srm:.2g}). In a "
                   "randomised experiment this points to a broken assignment; for non-random groups (plans, "
                   "countries) it is expected.", icon=":material/balance:")
    left, right = st.columns([2, 3])
    with left:
        ui.plot(_group_bars(result, binary), key="exp-bars")
    with right:
        ui.table(result)
        ui.download(result, f"experiment-{group}", key="dl-exp")
    ui.explain("Statistics used", "- Binary metrics (retained, reached a step): rate per group, difference "
               "with a 95 % Wald interval, two-proportion z-test.\n- Numeric metrics (events, active days, "
               "numeric attributes): mean per group, Welch's t-test and interval.\n- Relative difference = "
               "difference / control value.\n- Users whose value is not observable yet (a retention week "
               "that has not ended) are left out and counted in `excluded`.\n- Sample-ratio mismatch: χ² "
               "test of the group sizes against an equal split.")


def _verdict(row: dict, control: str, binary: bool) -> None:
    """One sentence per treatment group."""
    unit = " pts" if binary else ""
    scale = 100 if binary else 1
    diff = row["diff"]
    if diff is None:
        st.info(f"Group {row['group']!r}: no measurable users.")
        return
    text = (f"**{row['group']}** vs **{control}**: {scale * diff:+.2f}{unit} "
            f"(95 % CI {scale * row['diff_ci_low']:+.2f} to {scale * row['diff_ci_high']:+.2f}"
            f"{unit}; relative {ui.fmt_pct(row['rel_diff'])}), p = {row['p_value']:.3g}")
    if row["p_value"] < 0.05:
        st.success(text + " — significant at the 5 % level.", icon=":material/check_circle:")
    else:
        st.info(text + " — not significant at the 5 % level.", icon=":material/info:")


def _group_bars(result: pl.DataFrame, binary: bool) -> go.Figure:
    values = [(v * 100 if binary else v) for v in result["value"].to_list()]
    fig = go.Figure(go.Bar(x=result["group"].to_list(), y=values, text=[f"{v:,.1f}" for v in values],
                           textposition="outside", marker_color="#1f77b4"))
    fig.update_layout(title="Rate (%) per group" if binary else "Mean per group", height=360,
                      xaxis={"type": "category"})
    return fig


with ui.errors():
    chosen = funnel_section()
st.divider()
with ui.errors():
    experiment_section(chosen)

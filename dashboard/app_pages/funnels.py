"""Funnels & experiments: ordered conversion funnels, and A/B comparisons of user groups on a metric."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from analytics import catalog
from analytics.figures import behaviour as figs
from analytics.queries import FunnelQuery
from dashboard import cache, ui
from dashboard.sections import funnel_options
from dashboard import widgets as w

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
    steps = c1.multiselect(w.spec(FunnelQuery, "steps").label, names, default=default, key="funnel-steps",
                           help="Pick events in the order users should do them.")
    window = w.number(FunnelQuery, "window_days", where=c2, key="funnel-window")
    if len(steps) < 2:
        st.info("Pick at least two steps to draw a funnel.")
        return steps
    opts = funnel_options.options(steps, names)
    frame = cache.query(funnel_options.query(steps, window, opts))
    start = frame["users"][0]
    end = frame["users"][-1]
    ui.kpi_row([
        ("Entered", ui.fmt_int(start), f"Users with a '{steps[0]}' event."),
        ("Converted", ui.fmt_int(end), f"Users who reached '{steps[-1]}' within {window} days, in order."),
        ("Overall conversion", ui.fmt_pct(end / start if start else None), "Converted / entered."),
        _biggest_drop(frame),
    ])
    ui.plot(figs.funnel_bars(frame).update_layout(height=55 * frame.height + 110), key="funnel")
    ui.table(frame.with_columns(pl.col("median_seconds_from_previous").map_elements(
        ui.fmt_duration, return_dtype=pl.Utf8).alias("median_time_from_previous"))
        .drop("median_seconds_from_previous"))
    ui.download(frame, "funnel", key="dl-funnel")
    st.caption("A user's result is the furthest step reached in any attempt: an attempt starts at a step-1 "
               f"event and must do the steps in order within {window} days of it.")
    funnel_options.more_sections(steps, float(window), opts)
    return steps


def _biggest_drop(frame: pl.DataFrame) -> tuple[str, str, str]:
    """KPI of the weakest step: its conversion from the previous step, and its name in the help."""
    rest = frame.filter(pl.col("step") > 1).sort("conversion_from_previous")
    if rest.is_empty():
        return ("Weakest step", "–", "Needs two steps.")
    row = rest.row(0, named=True)
    return (f"Weakest step: {row['step']}", ui.fmt_pct(row["conversion_from_previous"]),
            f"Step {row['step']} ({row['step_name']}) converts the fewest users from the step before it.")


STATISTICS = (
    "- Binary metrics (retained, reached a step): rate per group, difference with a 95 % Wald interval, "
    "two-proportion z-test.\n- Numeric metrics (events, active days, numeric attributes): mean per group, "
    "Welch's t-test and interval.\n- Relative difference = difference / control value.\n- Users whose value "
    "is not observable yet (a retention week that has not ended) are left out and counted under *Not "
    "measurable*.\n- Sample-ratio mismatch: χ² test of the group sizes against an equal split.")
NOT_MEASURABLE = {
    "retained": "their week {k} after their first week has not ended in the data, or they have no events",
    "attr": "their {attr} is not a number or true/false",
}


def experiment_section(steps: list[str]) -> None:
    """Group, metric and control pickers; per-group results with intervals, p-values and the SRM check.

    Only choices with data behind them are offered: groupings that split the users with events into
    2 to `catalog.MAX_GROUPS` groups, and attributes whose values are numbers or booleans as metrics.
    """
    st.subheader("Experiment / group comparison", anchor=False)
    profile = cache.read("user_attribute_profile")
    keys = catalog.group_keys(profile)
    if not keys:
        why = (": none of the attributes loaded does." if not profile.is_empty()
               else ". Upload one on the Data page.")
        st.info("Comparing groups needs a users file with an attribute that splits the users who have events "
                f"into 2 to {catalog.MAX_GROUPS} groups (variant, plan, country ...){why}",
                icon=":material/info:")
        return
    default = catalog.default_group(profile)
    c1, c2, c3, c4 = st.columns(4)
    group = c1.selectbox("Group users by", keys, index=keys.index(default) if default else None,
                         placeholder="Choose the attribute that holds the groups", key="exp-group",
                         help=f"User attributes with 2 to {catalog.MAX_GROUPS} values among the users who "
                              "have events.")
    if group is None:
        st.info("Choose the attribute that holds the groups to compare (an experiment variant, a plan ...). "
                "The attributes here are all numbers, so none is picked for you.", icon=":material/info:")
        return
    kinds = {"retained": "Retained in week k", "events": "Events per user", "active_days": "Active days",
             "funnel": "Reached the last funnel step"}
    kinds.update({f"attr:{k}": f"Attribute: {k}" for k in catalog.metric_keys(profile, exclude=group)})
    kind = c2.selectbox("Metric", list(kinds), format_func=kinds.get, key="exp-metric",
                        help="Attributes are offered as metrics when every value is a number or true/false.")
    week = 1
    if kind == "retained":
        week = int(c3.number_input("Week k", 1, 52, value=1, key="exp-week"))
        metric = f"retained:{week}"
    elif kind == "funnel":
        if len(steps) < 2:
            st.info("Pick at least two funnel steps above to use the funnel as the metric.")
            return
        metric = f"funnel:{','.join(steps)}:{len(steps)}"
    else:
        metric = kind
    coverage(profile, group)
    result = cache.read("experiment", group=group, metric=metric)
    reason = NOT_MEASURABLE.get(kind.split(":")[0], "they have no value for this metric")
    for row in result.filter(pl.col("n") == 0).iter_rows(named=True):  # explained, not drawn
        st.info(f"Group **{ui.md_escape(row['group'])}** has no measurable users: all "
                f"{ui.plural(row['excluded'], 'user')} in it are left out because "
                f"{reason.format(k=week, attr=kind.removeprefix('attr:'))}. It is not shown.",
                icon=":material/visibility_off:")
    groups = result.filter(pl.col("n") > 0)["group"].to_list()
    if len(groups) < 2:
        st.info("Fewer than two groups have measurable users for this metric: there is nothing to compare. "
                "Choose another metric or grouping.", icon=":material/info:")
        return
    control = c4.selectbox("Control group", groups, key="exp-control",
                           help="The group the others are compared with.")
    result = cache.read("experiment", group=group, metric=metric, control=control).filter(pl.col("n") > 0)
    comparison(result, group, control)


def comparison(result: pl.DataFrame, group: str, control: str) -> None:
    """Verdicts, bars, the sample-ratio check and the table of the measurable groups."""
    binary = result["kind"][0] == "binary"
    for row in result.filter(~pl.col("is_control")).iter_rows(named=True):
        _verdict(row, control, binary)
    left, right = st.columns([2, 3])
    with left:
        ui.plot(_group_bars(result, binary), key="exp-bars")
    with right:
        srm = result["srm_p_value"][0]
        if srm is not None and srm < 0.01:
            st.warning(f"Sample-ratio mismatch: group sizes differ from an equal split (χ² p = {srm:.2g}). "
                       "In a randomised experiment this points to a broken assignment; for non-random groups "
                       "(plans, countries) it is expected.", icon=":material/balance:")
        ui.explain("Statistics used", STATISTICS)
    diff = "pts" if binary else "signed2"
    ui.table(result.select("group", "n", "excluded", "value", "diff", "diff_ci_low", "diff_ci_high",
                           "rel_diff", "p_value"),
             formats={"value": "share" if binary else "num2", "diff": diff, "diff_ci_low": diff,
                      "diff_ci_high": diff},
             labels={"value": "Rate" if binary else "Mean", "group": group},
             helps={"diff": "Group value − control value" + (" in percentage points." if binary else ".")})
    ui.download(result, f"experiment-{group}", key="dl-exp")


def coverage(profile: pl.DataFrame, group: str) -> None:
    """How many users with this attribute are in the events: a users file of another product shows."""
    row = profile.filter(pl.col("key") == group).row(0, named=True)
    users, active = int(row["users"]), int(row["users_with_events"])
    share = ("All " if active == users else f"{active:,} of the ") + ui.plural(users, "user")
    text = f"{share} with a {group} have events in this workspace."
    if active < users / 2:
        st.warning(text + " Most of them have none: are the users file and the events from the same "
                   "product? A workspace should hold one product (sidebar → New workspace).",
                   icon=":material/join_inner:")
    else:
        st.caption(text)


def _verdict(row: dict, control: str, binary: bool) -> None:
    """One sentence per treatment group."""
    unit, scale, digits = (" pts", 100, 1) if binary else ("", 1, 2)
    diff = row["diff"]
    if diff is None:
        st.info(f"Group {row['group']!r}: no difference can be computed (too few measurable users).")
        return
    low, high = row["diff_ci_low"], row["diff_ci_high"]
    interval = ("" if low is None or high is None else
                f"95 % CI {scale * low:+.{digits}f} to {scale * high:+.{digits}f}{unit}; ")
    p, relative = row["p_value"], ui.display.fmt_signed_pct(row["rel_diff"])
    text = (f"**{ui.md_escape(row['group'])}** vs **{ui.md_escape(control)}**: "
            f"{scale * diff:+.{digits}f}{unit} ({interval}relative {relative})"
            + ("" if p is None else f", p = {p:.3g}"))
    if p is not None and p < 0.05:
        st.success(text + " — significant at the 5 % level.", icon=":material/check_circle:")
    else:
        st.info(text + " — not significant at the 5 % level.", icon=":material/info:")


def _group_bars(result: pl.DataFrame, binary: bool) -> go.Figure:
    """The rate or mean of every measurable group (groups without one are explained, not drawn)."""
    values = [(v * 100 if binary else v) for v in result["value"].to_list()]
    text = [f"{v:,.1f} %" if binary else f"{v:,.2f}" for v in values]
    fig = go.Figure(go.Bar(x=result["group"].to_list(), y=values, text=text, textposition="outside",
                           marker_color="#1f77b4", cliponaxis=False))
    fig.update_layout(title="Rate (%) per group" if binary else "Mean per group", height=360,
                      xaxis={"type": "category"})
    return fig


with ui.errors():
    chosen = funnel_section()
st.divider()
with ui.errors():
    experiment_section(chosen)

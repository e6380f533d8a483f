"""Funnel options of the Funnels page (DESIGN §4 "Funnel options", "Correlation"): exclusion and optional
steps, a breakdown by a user attribute or event property with time to convert, and what predicts
conversion. Called from funnels.py; not a page of its own (it is not in the navigation)."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from analytics.correlation import strongest
from analytics.eventspec import OTHER
from analytics.figures import journeys as figs
from analytics.funnel import Exclusion, funnel_breakdown_summary
from analytics.queries import FunnelQuery
from dashboard import cache, ui

NO_BREAKDOWN = "(no breakdown)"
SIGNALS = 10  # strongest signals listed each way


def options(steps: list[str], names: list[str]) -> dict[str, Any]:
    """Exclusion and optional-step widgets; the keyword arguments they add to `analytics.funnel.funnel`
    (none when nothing is chosen, so the plain funnel's cache entry is shared)."""
    n = len(steps)
    with st.expander("Exclusions and optional steps", expanded=bool(
            st.session_state.get("funnel-exclude") or st.session_state.get("funnel-optional")),
            icon=":material/tune:"):
        c1, c2, c3 = st.columns([3, 2, 3])
        excluded = c1.multiselect("Exclude users who do", [e for e in names if e not in steps],
                                  key="funnel-exclude",
                                  help="An attempt that does one of these between the chosen steps "
                                       "is dropped at the step before it (it still counts up to there).")
        pairs = [(i, j) for i in range(1, n) for j in range(i + 1, n + 1)]
        between = c2.selectbox("… between steps", pairs, index=pairs.index((1, n)),
                               key="funnel-exclude-range", format_func=lambda p: f"{p[0]} and {p[1]}")
        optional = c3.multiselect("Optional steps", list(range(2, n)), key="funnel-optional",
                                  format_func=lambda i: f"{i}. {steps[i - 1]}",
                                  help="Steps users may skip (never the first or the last).")
    out: dict[str, Any] = {}
    if excluded:
        out["exclude"] = [Exclusion(x, between[0], between[1]) for x in excluded]
    if optional:
        out["optional"] = sorted(optional)
    return out


def query(steps: list[str], window: float, opts: dict[str, Any], breakdown: str | None = None) -> FunnelQuery:
    """The declared funnel for these widgets: exclusions as ``X:i-j`` and optional steps as positions, the
    forms the declaration (and the CLI) take."""
    return FunnelQuery(steps=tuple(steps), window_days=float(window),
                       exclude=tuple(f"{x.event}:{x.from_step}-{x.to_step}" for x in opts.get("exclude", [])),
                       optional=tuple(str(i) for i in opts.get("optional", [])), breakdown=breakdown)


def more_sections(steps: list[str], window: float, opts: dict[str, Any]) -> None:
    """The breakdown and the correlation, in tabs (only the open one is computed)."""
    breakdown_tab, predict_tab = ui.lazy_tabs(["Breakdown", "What predicts conversion"], "funnel-more-tabs")
    if breakdown_tab.open:
        with breakdown_tab, ui.errors():
            breakdown_section(steps, window, opts)
    if predict_tab.open:
        with predict_tab, ui.errors():
            correlation_section(steps, window, opts)


def breakdown_choices() -> dict[str, str]:
    """``attr:KEY`` / ``prop:KEY`` -> label, for every user attribute and event property that holds values."""
    choices = {NO_BREAKDOWN: NO_BREAKDOWN}
    choices.update({f"attr:{k}": f"User attribute: {k}" for k in cache.read("user_attribute_keys")["key"]})
    choices.update({f"prop:{k}": f"Event property: {k}" for k in cache.read("event_property_keys")["key"]})
    return choices


def breakdown_section(steps: list[str], window: float, opts: dict[str, Any]) -> None:
    """One funnel per value (top 10 + other): conversion bars and entered / converted / time to convert."""
    choices = breakdown_choices()
    by = st.selectbox("Break down by", list(choices), format_func=choices.get, key="funnel-breakdown",
                      help="One funnel per value: the 10 values with the most users at step 1, the rest "
                           f"together as {OTHER}. An event property is read from the user's first step-1 "
                           "event.")
    if by == NO_BREAKDOWN:
        st.info("Choose a user attribute (plan, country, variant ...) or an event property to compare the "
                "funnel across its values.", icon=":material/info:")
        return
    frame = cache.query(query(steps, window, opts, breakdown=by))
    ui.plot(figs.funnel_breakdown_bars(frame).update_layout(height=420), key="funnel-breakdown-bars")
    summary = funnel_breakdown_summary(frame).with_columns(
        pl.col("median_seconds_to_convert").map_elements(ui.fmt_duration, return_dtype=pl.Utf8)
        .alias("time_to_convert")).drop("median_seconds_to_convert")
    ui.table(summary, labels={"breakdown": choices[by].split(": ", 1)[-1], "entered": "Entered",
                              "converted": "Converted", "conversion": "Conversion",
                              "time_to_convert": "Median time to convert"},
             formats={"conversion": "share"},
             helps={"time_to_convert": "Median time from the step-1 event to the last step, over the users "
                                       "who converted.",
                    "entered": f"Users with a '{steps[0]}' event."})
    ui.download(frame, f"funnel-by-{by.replace(':', '-')}", key="dl-funnel-breakdown")


def correlation_section(steps: list[str], window: float, opts: dict[str, Any]) -> None:
    """Odds ratio of every event and attribute value for reaching the last step, strongest both ways."""
    required = [s for i, s in enumerate(steps, start=1) if i not in set(opts.get("optional", []))]
    target = "funnel:" + ",".join(required)
    pop = cache.read("correlation_population", target=target, window_days=window)
    frame = cache.read("correlation", target=target, window_days=window)
    population, successes = pop.height, int(pop["success"].sum())
    st.caption(f"Of {ui.plural(population, 'user')} with a '{steps[0]}' event, {successes:,} "
               f"({ui.fmt_pct(successes / population if population else None)}) reached '{steps[-1]}' "
               f"within {window:g} days. For every event they did before converting (or before the window "
               "ended) and every attribute value: the odds ratio of converting with it against without it"
               + (" (exclusions are not applied here)." if opts.get("exclude") else "."))
    pos, neg = strongest(frame, SIGNALS)
    if pos.is_empty() and neg.is_empty():
        st.info("No event or attribute value is held by enough users (5) to compare.", icon=":material/info:")
        return
    st.markdown("**Strongest positive signals** — users with these convert more often")
    _signals(pos, "pos")
    st.markdown("**Strongest negative signals** — users with these convert less often")
    _signals(neg, "neg")
    both = pl.concat([pos, neg])
    if both.height:
        ui.plot(figs.odds_ratio_chart(both), key="funnel-odds")
    ui.download(frame, "what-predicts-conversion", key="dl-correlation")
    ui.explain("How the odds ratio is computed", """
- For each event or attribute value: a = converted users with it, b = not converted with it, c = converted
  without it, d = not converted without it. Odds ratio = (a·d) / (b·c): above 1 the users with it convert
  more often, below 1 less often.
- 95 % interval: exp(ln OR ± 1.96·√(1/a + 1/b + 1/c + 1/d)) (Woolf); 0.5 is added to every cell when one
  is zero. *Users* is how many users have it (their share of everyone who entered the funnel).
- Signals are ranked by the end of their interval nearest to 1, so a huge ratio from a handful of users
  does not outrank a solid one. Events are counted from the first step until converting (or until the
  window ended); the funnel's own steps are left out. A signal is a correlation, not a cause.""")


def _signals(frame: pl.DataFrame, key: str) -> None:
    """One direction's signals as a table for people."""
    if frame.is_empty():
        st.caption("None.")
        return
    shown = frame.select("feature", "odds_ratio", "ci_low", "ci_high", "users", "share", "success_with",
                         "success_without")
    ui.table(shown, key=f"funnel-signals-{key}",
             labels={"feature": "Event or attribute value", "users": "Users",
                     "share": "Share of users", "success_with": "Converted, with it",
                     "success_without": "Converted, without it", "odds_ratio": "Odds ratio",
                     "ci_low": "95 % CI from", "ci_high": "95 % CI to"},
             formats={"share": "share", "success_with": "share", "success_without": "share",
                      "odds_ratio": "num2", "ci_low": "num2", "ci_high": "num2"})

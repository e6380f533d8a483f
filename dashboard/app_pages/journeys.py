"""Journeys: where users go from an event (or how they reach it), and what converters do differently.

DESIGN §4 "Paths": a Sankey of the path edges (top N events per step, the rest as "other"), the top
paths with their share of users, event grouping rules (regex → name) edited in the page, and the step
matrix around the event with the difference between users who converted and those who did not.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl
import streamlit as st

from analytics.errors import UserLensError
from analytics.eventspec import GroupRule, group_rules
from analytics.figures import journeys as figs
from analytics.paths import MAX_STEPS, path_edges, top_paths_table
from analytics.stepmatrix import MAX_OFFSET
from dashboard import cache, ui

# The sample's story (sample_data/data/README.md) is found with these defaults; other data falls back
# to its most frequent event.
PREFERRED_EVENTS = ("onboarding_started", "signup", "sign_up", "app_open")
PREFERRED_GOALS = ("profile_completed", "task_created", "purchase", "subscription_started")
NO_GOAL = "(no comparison)"
RULES_SEED = "journey-rule-rows"  # session key of the rows the rule editor starts from
TOP_PATHS = 20
STEPS = 4  # enough to see where the sample's help-article readers go, short enough to read

ui.header("Journeys", "Where users go after an event, how they got to it, and what the users who convert do "
          "differently.")
ui.require("events")


def rule_editor() -> list[str]:
    """The grouping rules edited in the page, as ``REGEX=NAME`` texts (validated by the metric)."""
    seed = st.session_state.get(RULES_SEED) or []
    rows = pl.DataFrame(seed, schema={"pattern": pl.Utf8, "name": pl.Utf8}, orient="row")
    with st.expander("Group events (regular expression → name)", expanded=bool(seed),
                     icon=":material/merge_type:"):
        st.caption("Events whose name the expression matches anywhere are renamed before the paths are "
                   "counted; the first matching rule wins. Example: `^task_` → `task` merges task_created "
                   "and task_completed. The event above is a name after grouping.")
        edited = st.data_editor(rows, num_rows="dynamic", key="jr-rules", width="stretch",
                                placeholder=ui.display.MISSING, column_config={
            "pattern": st.column_config.TextColumn("Regular expression", help="RE2 syntax, e.g. ^task_"),
            "name": st.column_config.TextColumn("Name", help="The event name the matches get")})
    texts = []
    for pattern, name in pl.DataFrame(edited).select("pattern", "name").iter_rows():
        if (pattern or "").strip() or (name or "").strip():  # an empty new row is no rule yet
            texts.append(f"{pattern or ''}={name or ''}")
    return texts


def event_choices(rules: list[GroupRule] | None) -> list[str]:
    """Event names after grouping; the raw names when the rules are wrong (the paths call says why)."""
    if rules is not None:
        try:
            return cache.read("grouped_event_names", rules=rules)
        except UserLensError:
            pass
    return cache.read("event_names")["event"].to_list()


def _default(options: list[str], preferred: tuple[str, ...]) -> int:
    return next((options.index(p) for p in preferred if p in options), 0)


def controls(names: list[str]) -> dict[str, Any]:
    """Start/end switch, event, steps and the chart's events per step."""
    c = st.columns([2, 3, 1, 1], vertical_alignment="bottom")
    mode = c[0].segmented_control("Paths", ["start", "end"], default="start", required=True, key="jr-mode",
                                  format_func={"start": "After the event", "end": "Before the event"}.get,
                                  help="After: each user's first event and what they did next in that "
                                       "session. Before: what led up to it.")
    event = c[1].selectbox("Event", names, index=_default(names, PREFERRED_EVENTS), key="jr-event",
                           accept_new_options=True,
                           help="Each user's first such event anchors their path (after grouping).")
    steps = c[2].number_input("Steps", 1, MAX_STEPS, value=STEPS, key="jr-steps",
                              help=f"Events per path, the event included (2 to {MAX_STEPS}).")
    top = c[3].number_input("Events per step", 2, 15, value=6, key="jr-top",
                            help="The chart keeps the most common events at each step; the rest are 'other'.")
    return {"mode": mode, "event": event, "steps": int(steps), "top": int(top)}


def paths_section(opts: dict[str, Any], rules: list[GroupRule] | None, raw_rules: list[str]) -> None:
    """KPIs, the Sankey and the top paths table."""
    mode, event = opts["mode"], opts["event"]
    anchor = {"start": event} if mode == "start" else {"end": event}
    # invalid rules go to the metric as typed, so the page shows the CLI's own sentence
    frame = cache.read("paths", steps=opts["steps"], groups=rules if rules is not None else raw_rules,
                       **anchor)
    edges = path_edges(frame, anchor=mode)
    users = int(frame["users"].sum()) if frame.height else 0
    table = top_paths_table(frame, limit=None)
    alone = table.filter(pl.col("events") == 1)["share"].sum()
    ui.kpi_row([
        ("Users with the event", ui.fmt_int(users), f"Users who have a '{event}' event (after grouping)."),
        ("Distinct paths", ui.fmt_int(frame.height), "Different sequences of up to "
         f"{opts['steps']} events, consecutive repeats collapsed."),
        ("Most common path", ui.fmt_pct(table["share"][0] if table.height else None),
         "Share of the users with the event who took the most common path."),
        ("Session ends there", ui.fmt_pct(alone if users else None),
         f"Users whose session has no other event {'after' if mode == 'start' else 'before'} the event."),
    ])
    fig = figs.paths_sankey(edges, anchor=mode, top=opts["top"], event=event)
    ui.plot(fig.update_layout(height=520, font={"size": 13}), key="jr-sankey")
    st.subheader("Top paths", anchor=False)
    shown = table.head(TOP_PATHS)
    ui.table(shown, labels={"path": "Path", "events": "Events in path", "share": "Share of users"},
             helps={"share": "Users who took this path / users with the event.",
                    "events": "Length of the path, the event included (shorter: the session ended)."})
    some = f"The {TOP_PATHS} most common of" if table.height > TOP_PATHS else "All"
    st.caption(f"{some} {ui.plural(table.height, 'distinct path')} of {ui.plural(users, 'user')}.")
    ui.download(table, "paths-" + re.sub(r"[^A-Za-z0-9_-]+", "_", f"{mode}-{event}")[:60], key="dl-paths")


def step_matrix_section(event: str, rules: list[GroupRule] | None, raw_rules: list[str]) -> None:
    """The share of users with each event at each step around the event, and converted minus not."""
    st.subheader("Step matrix", anchor=False)
    st.caption(f"Which events users do at each step before and after their first '{event}', in the same "
               "session: the share of the users with the event.")
    goals = [NO_GOAL, *(e for e in cache.read("event_names")["event"].to_list() if e != event)]
    c = st.columns([1, 3])
    k = c[0].number_input("Steps each way", 1, MAX_OFFSET, value=3, key="jr-k")
    goal = c[1].selectbox("Compare users who converted to", goals, index=_default(goals, PREFERRED_GOALS),
                          key="jr-goal", help=f"Converted: did this event within 14 days after '{event}' "
                          "(the funnel rule), against every other user with the event.")
    groups = rules if rules is not None else raw_rules
    matrix = cache.read("step_matrix", event=event, k=int(k), groups=groups)
    if goal == NO_GOAL:
        ui.plot(figs.step_matrix_heatmap(matrix).update_layout(height=480), key="jr-matrix")
        return
    if rules:
        st.info("The comparison uses event names before grouping: clear the grouping rules to compare "
                "converted users.", icon=":material/info:")
        ui.plot(figs.step_matrix_heatmap(matrix).update_layout(height=480), key="jr-matrix")
        return
    diff = cache.read("step_matrix_difference", event=event, k=int(k), group_a=f"funnel:{event},{goal}")
    n_a, n_b = int(diff["base_a"][0]), int(diff["base_b"][0])
    left, right = st.columns(2)
    with left:
        ui.plot(figs.step_matrix_heatmap(matrix).update_layout(height=480), key="jr-matrix")
    with right:
        labels = (f"converted (n={n_a:,})", f"not (n={n_b:,})")
        ui.plot(figs.step_matrix_difference_heatmap(diff, labels=labels).update_layout(height=480),
                key="jr-matrix-diff")
    # what converted users do after converting differs by definition; the finding is what the others do
    # instead: the cell most over-represented among them
    worst = diff.filter(pl.col("offset") != 0).sort(["difference", "event"]).head(1)
    if worst.height and worst["difference"][0] < 0:
        row = worst.row(0, named=True)
        steps = abs(row["offset"])
        where = f"{steps} step{'s' if steps > 1 else ''} {'after' if row['offset'] > 0 else 'before'}"
        st.caption(f"What the users who did not convert do instead: **{ui.md_escape(row['event'])}** {where} "
                   f"'{ui.md_escape(event)}' — {ui.fmt_pct(row['share_b'])} of them against "
                   f"{ui.fmt_pct(row['share_a'])} of converted users "
                   f"({100 * row['difference']:+.1f} points).")


def parsed(raw_rules: list[str]) -> list[GroupRule] | None:
    """The rules as GroupRule objects; None when one is not ``REGEX=NAME`` (the metric says why)."""
    try:
        return group_rules(raw_rules)
    except UserLensError:
        return None


raw = rule_editor()
rules = parsed(raw)
with ui.errors():
    options = controls(event_choices(rules))
    paths_section(options, rules, raw)
    st.divider()
    step_matrix_section(options["event"], rules, raw)
ui.explain("How paths are counted", """
- Each user's events are ordered by time (then name) and split into sessions: by `session_id` where the
  data has one, otherwise a gap of 30 minutes or more starts a new session.
- **After the event**: the path is the user's *first* such event and the next events of the same
  session; **before the event**: the events before it. Consecutive repeats are collapsed
  (`open open search` → `open search`); a session that ends early gives a shorter path.
- Grouping rules rename events first (the first matching rule wins); the event is a name after grouping.
- The chart keeps the most common events at each step and draws the rest as *other*; the table lists
  every path with the share of the users who have the event.
- Step matrix: step +1 is the first event after the event, −1 the one before, in the same session; a
  cell is the share of users with that event there. Converted users did the comparison event within 14
  days of their first event (in order); the difference is converted minus the others, in points.""")

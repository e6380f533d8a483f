"""Overview: headline KPIs, daily/weekly/monthly active users, stickiness, lifecycle, power users."""

from __future__ import annotations

import streamlit as st

from analytics.figures import behaviour as figs
from dashboard import cache, ui

SESSION_NOTE = ("A session is one user's run of events with no gap of 30 minutes or more (or one session_id, "
                "where the data has that column). Its length runs from its first event to its last, so a "
                "session of a single event — one chat message, one purchase — lasts 0 s.")

ui.header("Overview", "How many people use the product, how often, and whether the base grows or leaks.")
ui.require("events")

with ui.errors():
    k = cache.read("kpis").row(0, named=True)
    s = cache.read("session_kpis").row(0, named=True)
    span = (f"{k['first_event']:%Y-%m-%d} → {k['last_event']:%Y-%m-%d}" if k["first_event"]
            else ui.display.MISSING)
    st.caption(f"Data from {span} (workspace timezone {cache.workspace().timezone}).")
    ui.kpi_row([
        ("Users", ui.fmt_int(k["users"]), "Distinct user ids with at least one event."),
        ("Events", ui.fmt_int(k["events"]), "Event rows loaded."),
        ("Average DAU", ui.fmt_num(k["dau_avg"]),
         "Mean over all days of the distinct users active that day."),
        ("WAU", ui.fmt_int(k["wau"]), "Distinct users active in the 7 days up to the last day of data."),
        ("MAU", ui.fmt_int(k["mau"]), "Distinct users active in the 30 days up to the last day of data."),
        ("Stickiness", ui.fmt_pct(k["stickiness"]), "Mean DAU / MAU over the last 30 days of data: the "
         "share of monthly users who come back on a given day."),
    ])
    ui.kpi_row([
        ("Sessions", ui.fmt_int(s["sessions"]), SESSION_NOTE),
        ("Median session", ui.fmt_duration(s["median_session_seconds"]),
         "Median time from a session's first event to its last. " + SESSION_NOTE),
        ("Events per session", ui.fmt_num(s["events_per_session"]), "Mean events per session."),
    ])
    st.caption(SESSION_NOTE)

    active_tab, life_tab, power_tab = ui.lazy_tabs(["Active users", "Lifecycle", "Power users"], "ov-tabs")
    if active_tab.open:
        with active_tab:
            dwm = cache.read("dau_wau_mau")
            left, right = st.columns([3, 2])
            with left:
                ui.plot(figs.active_users_lines(dwm), key="dwm")
            with right:
                ui.plot(figs.stickiness_line(dwm), key="stickiness")
            ui.explain("How these are counted", "- **DAU** — distinct users with an event on the local day.\n"
                       "- **WAU / MAU** at day d — distinct users with an event in (d − 7 days, d] / (d − "
                       "30 days, d].\n- **Stickiness** — DAU / MAU: 20 % means the average monthly user is "
                       "active about 6 days a month.\n- Days are calendar days in the workspace timezone "
                       "(Data → Settings).")
            ui.download(dwm, "active-users", key="dl-dwm")
    if life_tab.open:
        with life_tab:
            period = st.segmented_control("Period", ["day", "week", "month"], default="week",
                                          key="life-period", required=True)
            life = cache.read("lifecycle", period=period)
            ui.plot(figs.lifecycle_bars(life), key="lifecycle")
            ui.explain("Lifecycle statuses", "For each period p and each user:\n"
                       "- **new** — their first-ever event is in p;\n- **returning** — active in p and in p "
                       "− 1;\n- **resurrecting** — active in p, not in p − 1, but active before p − 1;\n- "
                       "**dormant** — active in p − 1 and not in p (drawn below zero).\n\nGrowth is healthy "
                       "when new + resurrecting outweighs dormant.")
            ui.download(life, f"lifecycle-{period}", key="dl-life")
    if power_tab.open:
        with power_tab:
            days = st.segmented_control("Window", [7, 28], default=7, key="power-days", required=True,
                                        format_func=lambda d: f"L{d} (last {d} days)")
            power = cache.read("power_users", days=days)
            ui.plot(figs.power_user_histogram(power), key="power")
            st.caption(f"Users by the number of days they were active in the last {days} days of data. A "
                       "curve that rises again at the right end shows a core of power users (a 'smile').")
            ui.download(power, f"power-users-l{days}", key="dl-power")

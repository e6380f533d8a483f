"""`userlens engagement`: KPIs, DAU/WAU/MAU and stickiness, power users, sessions."""

from __future__ import annotations

import argparse

from dashboard.commands._common import add_format_arg, add_workspace_arg, emit, events_workspace


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_workspace_arg(p)
    p.add_argument("--view", choices=["summary", "daily", "power", "sessions"], default="summary",
                   help="summary: one row of KPIs; daily: DAU/WAU/MAU per day; power: L7/L28 curve")
    p.add_argument("--days", type=int, choices=[7, 28], default=7, help="power-user window (L7 or L28)")
    p.add_argument("--gap-minutes", type=float, default=30, help="inactivity that ends a session")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    from analytics.engagement import dau_wau_mau, kpis, power_users, session_kpis
    from analytics.periods import resolve_settings

    ws = events_workspace(args)
    if args.view == "daily":
        frame = dau_wau_mau(ws.con)
    elif args.view == "power":
        frame = power_users(ws.con, days=args.days)
    elif args.view == "sessions":
        frame = session_kpis(ws.con, gap_minutes=args.gap_minutes)
    else:
        frame = kpis(ws.con).hstack(session_kpis(ws.con, gap_minutes=args.gap_minutes))
    tz, week_start = resolve_settings(ws.con)
    return emit(frame, args, {"view": args.view, "timezone": tz, "week_start": week_start})

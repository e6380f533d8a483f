"""Benchmark: journeys (issue 16) on a synthetic 10 M-event workspace, beside a plain funnel baseline.

Generates the events of bench/analytics.py (~10 M events, ~200 k users, sessions with a session_id;
cached as Parquet), adds a users table with a ``plan`` attribute, and reports warm timings (best of 3
after a warm-up run) of: paths from / to an event (session_id sessions and, on a view without session
ids, 30-minute-gap sessions), the step matrix, a funnel broken down by plan (top 10 + other), a funnel
with an exclusion and an optional step, and — for scale — the correlation and the retention breakdown.
The baseline, measured in the same run, is the plain 3-step funnel (DESIGN §10: each journey metric
<= 3 s warm on the 2-core machine). Timings on a shared machine move together: read the ratios.

    python bench/journeys.py [--events N] [--json PATH] [--cache-dir DIR] [--quick]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The script's folder (bench/, which holds an analytics.py) must not shadow the analytics package.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from analytics.correlation import correlation  # noqa: E402
from analytics.funnel import funnel  # noqa: E402
from analytics.paths import path_edges, paths  # noqa: E402
from analytics.retention_breakdown import retention_breakdown  # noqa: E402
from analytics.sqlfiles import quote_ident  # noqa: E402
from analytics.stepmatrix import step_matrix  # noqa: E402
from analytics.workspace import Workspace  # noqa: E402

TARGET_S = 3.0
STEPS = ["app_open", "add_to_cart", "purchase"]


def _events_generator() -> Callable[[int, Path], int]:
    """bench/analytics.py's generator (bench/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("bench_analytics", ROOT / "bench" / "analytics.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module.generate


def load_workspace(parquet: Path, path: Path) -> Workspace:
    """A fresh workspace file with the events and a users table (plan: 12 values, skewed)."""
    for suffix in ("", ".wal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    ws = Workspace(path)
    with ws.write("events", "users") as cur:
        cur.execute("INSERT INTO events (user_id, event, ts, session_id, batch_id) "
                    "SELECT user_id, event, ts, session_id, 1 FROM read_parquet($p)", {"p": str(parquet)})
        cur.execute("INSERT INTO users (user_id, attributes) "
                    "SELECT user_id, json_object('plan', 'plan_' || ((h % 7) * (h % 13) % 12)) "
                    "FROM (SELECT DISTINCT user_id, hash(user_id) AS h FROM events)")
    ws.con.execute("CHECKPOINT")
    return ws


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Best wall time over `repeat` runs after one warm-up run, and the last result."""
    result = fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def gap_sessions_cursor(ws: Workspace) -> Any:
    """A cursor whose ``events`` has no session ids, so paths split sessions at 30-minute gaps."""
    cur = ws.con.cursor()
    cur.execute("SET TimeZone = 'UTC'")
    catalog = cur.execute("SELECT current_database()").fetchall()[0][0]
    cur.execute(f"CREATE TEMP VIEW events AS SELECT * REPLACE (NULL::VARCHAR AS session_id) "
                f"FROM {quote_ident(catalog)}.main.events")
    return cur


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000, help="approximate number of events")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--cache-dir", default=str(Path(tempfile.gettempdir()) / "userlens-bench"))
    parser.add_argument("--quick", action="store_true", help="skip the correlation and retention breakdown")
    args = parser.parse_args(argv)
    cache = Path(args.cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    parquet = cache / f"events_{args.events}.parquet"
    t0 = time.perf_counter()
    if not parquet.exists():
        _events_generator()(args.events, parquet)
    ws = load_workspace(parquet, cache / f"journeys_{args.events}.duckdb")
    prep_s = time.perf_counter() - t0
    con = ws.con
    n_events, n_users = con.execute("SELECT count(*), count(DISTINCT user_id) FROM events").fetchall()[0]
    rows: list[dict[str, Any]] = []

    def timed(name: str, fn: Callable[[], Any], *, target: bool = True) -> Any:
        seconds, result = best_of(fn)
        rows.append({"what": name, "seconds": seconds, "target": target})
        print(f"  {name}: {seconds:.2f} s", file=sys.stderr, flush=True)
        return result

    timed("baseline: funnel, 3 steps (plain)", lambda: funnel(con, steps=STEPS), target=False)
    timed("paths --start app_open --steps 5 (session_id)",
          lambda: path_edges(paths(con, start="app_open", steps=5)))
    timed("paths --end purchase --steps 5 (session_id)",
          lambda: path_edges(paths(con, end="purchase", steps=5), anchor="end"))
    gap = gap_sessions_cursor(ws)
    timed("paths --start app_open --steps 5 (30-min gaps)",
          lambda: path_edges(paths(gap, start="app_open", steps=5)))
    timed("step matrix around add_to_cart, k = 3", lambda: step_matrix(con, event="add_to_cart", k=3))
    timed("funnel, 3 steps, breakdown attr:plan (top 10)",
          lambda: funnel(con, steps=STEPS, breakdown="attr:plan"))
    timed("funnel, 3 steps, exclude search:2, optional 2",
          lambda: funnel(con, steps=STEPS, exclude=["search:2"], optional=[2]), target=False)
    if not args.quick:
        timed("correlate funnel:app_open,add_to_cart,purchase",
              lambda: correlation(con, target="funnel:" + ",".join(STEPS)), target=False)
        timed("retention breakdown attr:plan, week x 12",
              lambda: retention_breakdown(con, breakdown="attr:plan", periods=12), target=False)
    base = rows[0]["seconds"]
    print(f"{n_events:,} events, {n_users:,} users (prepare {prep_s:.1f} s); on a machine shared with other "
          "jobs, compare against the baseline measured in this run")
    print(f"{'what':52} {'seconds':>8} {'x baseline':>11}  target <= {TARGET_S:g} s")
    for row in rows:
        verdict = ("met" if row["seconds"] <= TARGET_S else "NOT met") if row["target"] else "-"
        print(f"{row['what']:52} {row['seconds']:8.2f} {row['seconds'] / base:11.2f}  {verdict}")
    if args.json:
        Path(args.json).write_text(json.dumps({"events": n_events, "users": n_users, "timings": rows,
                                               "baseline_seconds": base}, indent=2))
    gap.close()
    ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

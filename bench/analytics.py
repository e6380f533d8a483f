"""Benchmark: behaviour analytics at 10 M events against hand-written baselines measured in the same run.

Two synthetic logs (Parquet, cached in a temp dir), each loaded into a fresh workspace file:

* sparse (``--events``, default 10 M): ~200 k users in 1 k+ daily signup cohorts over ~3 years, each
  active on ~10 days. Timings of retention (day x 30, week x 12, unbounded, rolling), lifecycle and
  DAU/WAU/MAU, the first call after the load (it builds the activity table) and warm (best of 3),
  beside a straightforward pandas retention (the matrices must be equal).
* dense (``--dense-users`` x ``--weeks``, default 200 k x 26 = ~10 M events): every user is active in
  every week. Retention week x 26, lifecycle (week) and DAU/WAU/MAU beside the minimal hand-written
  DuckDB query for the same numbers (distinct user-periods, first period per user, join, count; lag/lead
  for lifecycle and DAU) -- in process (warm) and in a fresh process: ``userlens <verb>`` (startup
  included) against ``python -c`` running the minimal query. "cold" is the first call after a change
  to the events (the activity build is dropped before each such run); "warm" the later ones.

Also: the period macros of migration 6 against the same expressions written inline (no slower).

    python bench/analytics.py [--events N] [--dense-users N] [--weeks W] [--only sparse|dense] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # first: this file's own folder would make `analytics` mean this script

from analytics.engagement import dau_wau_mau  # noqa: E402
from analytics.lifecycle import lifecycle  # noqa: E402
from analytics.retention import retention  # noqa: E402
from analytics.workspace import Workspace  # noqa: E402

EVENT_NAMES = np.array(["app_open", "view_item", "search", "add_to_cart", "checkout", "purchase"])
DAYS = 1100
START_US = 1_672_531_200_000_000  # 2023-01-01T00:00:00Z
DENSE_START_US = 1_736_121_600_000_000  # Monday 2025-01-06T00:00:00Z
DAY = "epoch_us(ts) // 86400000000"  # UTC day number; every event of the logs is after 1970
# The minimal hand-written queries (UTC, Monday weeks) for the dense log's three figures.
MINIMAL = {
    "retention": f"""
WITH uw AS (SELECT DISTINCT user_id, ({DAY} + 3) // 7 AS w FROM events),
f AS (SELECT user_id, min(w) AS w0 FROM uw GROUP BY user_id)
SELECT f.w0, uw.w - f.w0 AS k, count(*) AS users FROM uw JOIN f USING (user_id) GROUP BY ALL""",
    "lifecycle": f"""
WITH uw AS (SELECT DISTINCT user_id, ({DAY} + 3) // 7 AS w FROM events),
l AS (SELECT w, lag(w) OVER u AS pw, lead(w) OVER u AS nw FROM uw
      WINDOW u AS (PARTITION BY user_id ORDER BY w))
SELECT w, CASE WHEN pw IS NULL THEN 'new' WHEN pw = w - 1 THEN 'returning' ELSE 'resurrecting' END AS s,
       count(*)
FROM l GROUP BY ALL
UNION ALL SELECT w + 1, 'dormant', -count(*) FROM l WHERE nw IS NULL OR nw > w + 1 GROUP BY ALL""",
    "dau_wau_mau": f"""
WITH ud AS (SELECT DISTINCT user_id, {DAY} AS d FROM events),
n AS (SELECT d, lead(d) OVER (PARTITION BY user_id ORDER BY d) AS nd FROM ud),
m AS (SELECT d AS x, 1 AS a, 1 AS w, 1 AS mo FROM n UNION ALL SELECT d + 1, -1, 0, 0 FROM n
      UNION ALL SELECT least(d + 7, coalesce(nd, d + 7)), 0, -1, 0 FROM n
      UNION ALL SELECT least(d + 30, coalesce(nd, d + 30)), 0, 0, -1 FROM n),
p AS (SELECT x, sum(a) AS a, sum(w) AS w, sum(mo) AS mo FROM m GROUP BY x)
SELECT x, sum(a) OVER o, sum(w) OVER o, sum(mo) OVER o FROM p WINDOW o AS (ORDER BY x)""",
}
CLI_ARGS = {"retention": ["retention", "--period", "week", "--periods", "{weeks}"],
            "lifecycle": ["lifecycle", "--period", "week"],
            "dau_wau_mau": ["engagement", "--view", "daily"]}
FN_CALL = {"retention": "from analytics.retention import retention as f; "
                        "kw = dict(period='week', periods={weeks})",
           "lifecycle": "from analytics.lifecycle import lifecycle as f; kw = dict(period='week')",
           "dau_wau_mau": "from analytics.engagement import dau_wau_mau as f; kw = {{}}"}
# migration 6's macros, expanded by hand, to show that a macro costs nothing
MACRO_QUERY = ("SELECT count(*) FROM (SELECT DISTINCT user_id, period_number(local_day(ts, $tz), 'week', 3) "
               "FROM events)")
INLINE_QUERY = """SELECT count(*) FROM (SELECT DISTINCT user_id,
  (d + 3) // 7 - CASE WHEN (d + 3) % 7 < 0 THEN 1 ELSE 0 END FROM (SELECT user_id,
  (CASE WHEN $tz = 'UTC' THEN epoch_us(ts) ELSE epoch_us(timezone($tz, ts)) END) // 86400000000
  - CASE WHEN (CASE WHEN $tz = 'UTC' THEN epoch_us(ts) ELSE epoch_us(timezone($tz, ts)) END) % 86400000000 < 0
         THEN 1 ELSE 0 END AS d FROM events))"""


def generate(n_events: int, path: Path, seed: int = 7) -> int:
    """Write the sparse log: users sign up uniformly over DAYS days, are active on ~10 days (geometric gaps of
    ~9 days, so retention decays), and fire 1 + Poisson(4) events per active day, clustered in a session."""
    rng = np.random.default_rng(seed)
    n_users = max(50, n_events // 50)
    signup = rng.integers(0, DAYS, n_users)
    days_per_user = np.minimum(1 + rng.geometric(1 / 10, n_users), 60)
    user_of_day = np.repeat(np.arange(n_users), days_per_user)
    first = np.r_[0, np.cumsum(days_per_user)[:-1]]
    gaps = rng.geometric(1 / 9, user_of_day.size)
    gaps[first] = 0
    cum = np.cumsum(gaps)
    offset = cum - np.repeat(cum[first], days_per_user)
    day = signup[user_of_day] + offset
    keep = day < DAYS
    user_of_day, day = user_of_day[keep], day[keep]
    per_day = 1 + rng.poisson(4, user_of_day.size)
    user = np.repeat(user_of_day, per_day)
    session_start = rng.integers(0, 86_400 - 3_600, user_of_day.size)
    start_idx = np.r_[0, np.cumsum(per_day)[:-1]]
    step = rng.integers(5, 300, user.size)
    step[start_idx] = 0
    cstep = np.cumsum(step)
    within = cstep - np.repeat(cstep[start_idx], per_day)
    secs = np.repeat(day * 86_400 + session_start, per_day) + within
    ts = START_US + secs.astype(np.int64) * 1_000_000
    event = EVENT_NAMES[rng.choice(len(EVENT_NAMES), user.size, p=[0.3, 0.3, 0.15, 0.12, 0.08, 0.05])]
    session = np.repeat(np.arange(user_of_day.size), per_day)
    return _write(path, user, event, ts, np.char.add("s", session.astype(str)))


def generate_dense(n_users: int, weeks: int, path: Path, seed: int = 11) -> int:
    """Write the dense log: every user is active in every week, 1 + Poisson(0.92) events a week at random
    times (~1.9 events per user-week: 200 k users x 26 weeks is ~10 M events)."""
    rng = np.random.default_rng(seed)
    per = 1 + rng.poisson(0.9231, n_users * weeks)
    user_week = np.repeat(np.arange(n_users * weeks), per)
    user, week = user_week // weeks, user_week % weeks
    secs = week.astype(np.int64) * 7 * 86_400 + rng.integers(0, 7 * 86_400, user_week.size)
    event = EVENT_NAMES[rng.integers(0, len(EVENT_NAMES), user_week.size)]
    return _write(path, user, event, DENSE_START_US + secs * 1_000_000, None)


def _write(path: Path, user: np.ndarray, event: np.ndarray, ts: np.ndarray,
           session: np.ndarray | None) -> int:
    columns = {"user_id": pa.array(np.char.add("u", user.astype(str))), "event": pa.array(event),
               "ts": pa.array(ts, type=pa.timestamp("us", tz="UTC"))}
    if session is not None:
        columns["session_id"] = pa.array(session)
    table = pa.table(columns)
    pq.write_table(table, path)
    return table.num_rows


def load_workspace(parquet: Path, path: Path) -> Workspace:
    """A fresh workspace file holding the generated events (written through Workspace.write)."""
    for suffix in ("", ".wal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    ws = Workspace(path)
    session = "session_id" if "session_id" in pq.read_schema(parquet).names else "NULL"
    with ws.write("events") as cur:
        cur.execute("INSERT INTO events (user_id, event, ts, session_id, batch_id) "
                    f"SELECT user_id, event, ts, {session}, 1 FROM read_parquet($p)", {"p": str(parquet)})
    ws.con.execute("CHECKPOINT")
    return ws


def drop_builds(con: Any) -> None:
    """Forget every activity build, as a change to the events would (the next metric call rebuilds)."""
    con.execute("DELETE FROM activity; DELETE FROM activity_builds; CHECKPOINT")


def pandas_day_retention(events: Any, periods: int) -> Any:
    """The straightforward pandas version: first day per user, merge, day difference, pivot.

    Cells whose day ends after the last event are set to NaN, as in the SQL version.
    """
    import pandas as pd

    df = events[["user_id", "ts"]].copy()
    df["day"] = df["ts"].dt.floor("D")
    first = df.groupby("user_id")["day"].min().rename("cohort").reset_index()
    merged = df.merge(first, on="user_id")
    merged["k"] = (merged["day"] - merged["cohort"]).dt.days
    merged = merged[(merged["k"] >= 0) & (merged["k"] <= periods)].drop_duplicates(["user_id", "k"])
    matrix = merged.pivot_table(index="cohort", columns="k", values="user_id", aggfunc="count", fill_value=0)
    matrix = matrix.reindex(columns=range(periods + 1), fill_value=0).astype("float64")
    last = df["ts"].max()
    ends = pd.DataFrame({k: matrix.index + pd.Timedelta(days=k + 1) for k in range(periods + 1)},
                        index=matrix.index)
    unobservable = (ends > last).to_numpy()
    unobservable[:, 0] = False
    return matrix.mask(unobservable)


def best_of(fn: Callable[[], Any], repeat: int = 3, warm_up: bool = True) -> tuple[float, Any]:
    """Best wall time over `repeat` runs (after a warm-up run unless told otherwise) and the last result."""
    result = fn() if warm_up else None
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def first_calls(con: Any, fn: Callable[[], Any], repeat: int = 2) -> float:
    """Best time of `fn` right after the activity builds were dropped (as after a load), of `repeat` runs."""
    best = float("inf")
    for _ in range(repeat):
        drop_builds(con)
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def fresh(argv: list[str]) -> float:
    """Wall time of one fresh Python process (output discarded)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    subprocess.run([sys.executable, *argv], check=True, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
    return time.perf_counter() - start


def fresh_processes(name: str, path: Path, weeks: int, repeat: int) -> dict[str, float]:
    """Best-of-`repeat` fresh-process times of figure `name`: the CLI verb and our function alone (each cold,
    after dropping the activity builds, and warm) and the minimal query; output is written and discarded."""
    workspace = str(path)
    cli = ["-m", "dashboard.cli", *[a.format(weeks=weeks) for a in CLI_ARGS[name]], "--workspace", workspace,
           "--format", "csv"]
    function = ["-c", FN_CALL[name].format(weeks=weeks) + "; import sys; from analytics.workspace import "
                f"Workspace; f(Workspace({workspace!r}).con, **kw).write_csv(sys.stdout)"]
    minimal = ["-c", f"import duckdb, sys; con = duckdb.connect({workspace!r}, read_only=True); "
               f"print(con.execute({MINIMAL[name]!r}).fetchall())"]
    out: dict[str, list[float]] = {}
    for _ in range(repeat):
        for label, argv in (("cli", cli), ("fn", function)):
            opened = Workspace(path)
            drop_builds(opened.con)
            opened.close()
            out.setdefault(f"{label}_cold", []).append(fresh(argv))
            out.setdefault(f"{label}_warm", []).append(fresh(argv))
        out.setdefault("baseline_fresh", []).append(fresh(minimal))
    return {k: min(v) for k, v in out.items()}


def sparse_section(args: argparse.Namespace, cache: Path, rows: list[dict[str, Any]]) -> bool:
    """The sparse log: each metric cold and warm, retention beside pandas; True when the matrices agree."""
    parquet = cache / f"events_{args.events}.parquet"
    if not parquet.exists():
        generate(args.events, parquet)
    ws = load_workspace(parquet, cache / f"bench_{args.events}.duckdb")
    con = ws.con
    n_events, n_users = con.execute("SELECT count(*), count(DISTINCT user_id) FROM events").fetchall()[0]
    calls = {"retention day x 30 (first, calendar)": lambda: retention(con, period="day", periods=30),
             "retention week x 12 (first, calendar)": lambda: retention(con, period="week", periods=12),
             "retention week x 12 unbounded":
                 lambda: retention(con, period="week", periods=12, unbounded=True),
             "retention day x 30 rolling": lambda: retention(con, period="day", periods=30, window="rolling"),
             "lifecycle week": lambda: lifecycle(con, period="week"),
             "engagement DAU/WAU/MAU": lambda: dau_wau_mau(con)}
    results = {}
    for name, fn in calls.items():
        cold = first_calls(con, fn)  # the first call after a change to the events builds what it reads
        warm, results[name] = best_of(fn, warm_up=False)
        rows.append({"log": "sparse", "what": name, "ours_cold": cold, "ours_warm": warm})
    events = pq.read_table(parquet, columns=["user_id", "ts"]).to_pandas()
    pandas_s, matrix = best_of(lambda: pandas_day_retention(events, 30), repeat=2)
    day = results["retention day x 30 (first, calendar)"]
    ours = day.select([f"p{k}" for k in range(31)]).to_numpy().astype("float64")
    equal = (ours.shape == matrix.shape and [d.date() for d in matrix.index] == day["cohort_start"].to_list()
             and bool(np.array_equal(ours, matrix.to_numpy(), equal_nan=True)))
    rows[-len(calls)]["baseline_warm"] = pandas_s  # the pandas baseline of retention day x 30
    for tz in ("UTC", "Europe/Berlin"):  # interleaved, best of 5 each: the plans are the same
        macro, inline = float("inf"), float("inf")
        for _ in range(5):
            macro = min(macro, best_of(lambda tz=tz: con.execute(MACRO_QUERY, {"tz": tz}).fetchall(),
                                       repeat=1, warm_up=False)[0])
            inline = min(inline, best_of(lambda tz=tz: con.execute(INLINE_QUERY, {"tz": tz}).fetchall(),
                                         repeat=1, warm_up=False)[0])
        rows.append({"log": "sparse", "what": f"distinct user-weeks ({tz}): macros vs inline",
                     "ours_warm": macro, "baseline_warm": inline})
    print(f"sparse: {n_events:,} events, {n_users:,} users, {day.height} daily cohorts; "
          f"retention day x 30 equals pandas: {equal}")
    ws.close()
    return equal


def dense_section(args: argparse.Namespace, cache: Path, rows: list[dict[str, Any]]) -> bool:
    """The dense log: our three figures beside the minimal queries, in process and in fresh processes."""
    parquet = cache / f"dense_{args.dense_users}x{args.weeks}.parquet"
    if not parquet.exists():
        generate_dense(args.dense_users, args.weeks, parquet)
    path = cache / f"dense_{args.dense_users}x{args.weeks}.duckdb"
    ws = load_workspace(parquet, path)
    con = ws.con
    n_events = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    ours: dict[str, Callable[[], Any]] = {
        "retention": lambda: retention(con, period="week", periods=args.weeks),
        "lifecycle": lambda: lifecycle(con, period="week"),
        "dau_wau_mau": lambda: dau_wau_mau(con)}
    agree = True
    measured: dict[str, dict[str, Any]] = {}
    for name, fn in ours.items():
        cold = first_calls(con, fn)
        warm, frame = best_of(fn, warm_up=False)
        minimal, counts = best_of(lambda name=name: con.execute(MINIMAL[name]).fetchall(), repeat=2)
        if name == "retention":  # every observable cell equals the minimal query's count
            got = {(0, k): frame[f"p{k}"][0] for k in range(args.weeks + 1)}
            want = {(0, k): n for _, k, n in counts}
            agree &= frame.height == 1 and all(v is None or v == want.get(key, 0) for key, v in got.items())
        measured[name] = {"log": "dense", "what": name, "ours_cold": cold, "ours_warm": warm,
                          "baseline_warm": minimal}
    ws.close()
    for name, row in measured.items():
        rows.append(row)
        if args.repeat:
            row.update(fresh_processes(name, path, args.weeks, args.repeat))
    print(f"dense: {n_events:,} events, {args.dense_users:,} users x {args.weeks} weeks; "
          f"retention equals the minimal query: {agree}")
    return agree


def print_table(rows: list[dict[str, Any]]) -> None:
    """Seconds per row; ratios to the baseline measured in the same run."""
    cols = ["ours_cold", "ours_warm", "baseline_warm", "cli_cold", "cli_warm", "fn_cold", "fn_warm",
            "baseline_fresh"]
    print(f"{'log':6} {'what':44} " + " ".join(f"{c:>14}" for c in cols) + "  ratios to the baseline")
    for row in rows:
        cells = " ".join(f"{row[c]:14.3f}" if c in row else f"{'':>14}" for c in cols)
        ratios = []
        if "baseline_warm" in row and "ours_warm" in row:
            ratios.append(f"warm {row['ours_warm'] / row['baseline_warm']:.2f}x")
        if "baseline_fresh" in row and "cli_cold" in row:
            ratios.append(", ".join(f"{c} {row[c] / row['baseline_fresh']:.2f}x"
                                    for c in ("cli_cold", "cli_warm", "fn_cold", "fn_warm")))
        print(f"{row['log']:6} {row['what']:44} {cells}  {'; '.join(ratios)}")
    dense = [r for r in rows if r["log"] == "dense"]
    if dense:
        print("targets (dense): warm in-process <= 1 s: "
              + ", ".join(f"{r['what']} {'met' if r['ours_warm'] <= 1 else 'NOT met'}" for r in dense)
              + "; CLI <= 1.5 x the minimal query in a fresh process (cold / warm): "
              + ", ".join(f"{r['what']} {r['cli_cold'] / r['baseline_fresh']:.2f} / "
                          f"{r['cli_warm'] / r['baseline_fresh']:.2f}" for r in dense if "cli_cold" in r))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000, help="approximate events of the sparse log")
    parser.add_argument("--dense-users", type=int, default=200_000, help="users of the dense log")
    parser.add_argument("--weeks", type=int, default=26, help="weeks of the dense log (all users every week)")
    parser.add_argument("--only", choices=["sparse", "dense"], help="run one of the two logs")
    parser.add_argument("--repeat", type=int, default=3,
                        help="fresh-process runs per figure, best shown (0: skip the fresh processes)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--cache-dir", default=str(Path(tempfile.gettempdir()) / "userlens-bench"))
    args = parser.parse_args(argv)
    cache = Path(args.cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    ok = True
    if args.only != "dense":
        ok &= sparse_section(args, cache, rows)
    if args.only != "sparse":
        ok &= dense_section(args, cache, rows)
    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "numbers_agree": ok}, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

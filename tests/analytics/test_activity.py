"""The activity table: rebuilt when the events change, per zone, without user ids, same numbers as a scan."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analytics.workspace as workspace_mod
from analytics.datamgmt import delete_batch, forget_user
from analytics.engagement import dau_wau_mau
from analytics.lifecycle import lifecycle
from analytics.migrations import MIGRATIONS
from analytics.retention import retention, retention_json
from analytics.workspace import Workspace


def put(ws: Workspace, rows: list[tuple[str, str]], batch_id: int | None = None) -> None:
    with ws.write("events") as cur:
        cur.executemany("INSERT INTO events (user_id, event, ts, batch_id) "
                        "VALUES (?, 'x', ?::TIMESTAMPTZ, ?)", [(u, t, batch_id) for u, t in rows])


def sizes(ws: Workspace, **kw) -> list[int]:
    return retention(ws.con, period="week", periods=1, **kw)["cohort_size"].to_list()


def test_every_change_to_the_events_is_seen(ws: Workspace) -> None:
    put(ws, [("a", "2026-01-05 10:00+00"), ("b", "2026-01-06 10:00+00")], batch_id=1)
    assert sizes(ws) == [2]
    put(ws, [("c", "2026-01-13 10:00+00")], batch_id=2)  # a load
    assert sizes(ws) == [2, 1]
    with ws.write("batches") as cur:
        cur.execute("INSERT INTO batches (batch_id, kind) VALUES (1, 'events'), (2, 'events')")
    delete_batch(ws, 2)  # a batch deletion
    assert sizes(ws) == [2]
    forget_user(ws, "b")  # an erasure
    assert sizes(ws) == [1]
    ws.set_setting("timezone", "Pacific/Kiritimati")  # UTC+14: a's Monday 10:00 UTC is Tuesday 00:00 there
    ws.set_setting("week_start", "sunday")
    assert retention(ws.con, period="week", periods=1)["cohort_start"].to_list() == [date(2026, 1, 4)]


def test_a_workspace_from_before_migration_6_gets_the_macros_and_tables(tmp_path, monkeypatch) -> None:
    path = tmp_path / "old.duckdb"
    monkeypatch.setattr(workspace_mod, "MIGRATIONS", [m for m in MIGRATIONS if m[0] < 6])
    old = Workspace(path)
    put(old, [("a", "2026-01-05 10:00+00"), ("a", "2026-01-12 10:00+00"), ("b", "2026-01-20 10:00+00")])
    assert not old.con.execute("SELECT count(*) FROM duckdb_functions() WHERE function_name = 'local_day'"
                               ).fetchall()[0][0]
    old.close()
    monkeypatch.setattr(workspace_mod, "MIGRATIONS", MIGRATIONS)
    ws = Workspace(path)
    day = ws.con.execute("SELECT local_day(TIMESTAMPTZ '2026-01-05 23:30+00', 'Asia/Shanghai')").fetchall()
    assert day == [((date(2026, 1, 6) - date(1970, 1, 1)).days,)]
    assert retention(ws.con, period="week", periods=1)["p1"].to_list() == [1, None]
    ws.close()
    again = Workspace(path)  # macros and tables are stored in the file, not only in the session
    assert lifecycle(again.con, period="week")["users"].to_list()[:4] == [1, 0, 0, 0]
    again.close()


def test_a_direct_insert_that_changes_the_row_count_is_seen(ws: Workspace) -> None:
    put(ws, [("a", "2026-01-05 10:00+00")])
    assert sizes(ws) == [1]
    ws.con.execute("INSERT INTO events (user_id, event, ts) VALUES ('b', 'x', '2026-01-20 10:00+00')")
    assert sizes(ws) == [1, 1]


def test_builds_per_zone_live_side_by_side_and_old_data_is_dropped(ws: Workspace) -> None:
    put(ws, [("a", "2026-01-04 20:00+00"), ("b", "2026-01-05 10:00+00")])  # a: Monday in Shanghai
    assert sizes(ws) == [1, 1]
    assert sizes(ws, timezone="Asia/Shanghai") == [2]
    assert sizes(ws) == [1, 1]
    builds = ws.con.execute("SELECT grain, timezone FROM activity_builds ORDER BY timezone").fetchall()
    assert builds == [("week", "Asia/Shanghai"), ("week", "UTC")]
    put(ws, [("c", "2026-01-06 10:00+00")])
    assert sizes(ws) == [1, 2]  # rebuilt for UTC; the Shanghai rows were made from older data
    zones = ws.con.execute("SELECT DISTINCT timezone FROM activity").fetchall()
    assert zones == [("UTC",)]


def test_lifecycle_completes_a_build_that_retention_made_without_neighbours(ws: Workspace) -> None:
    put(ws, [("a", "2026-01-05 10:00+00"), ("a", "2026-01-19 10:00+00"), ("b", "2026-01-12 10:00+00"),
             ("z", "2026-03-02 10:00+00")])

    def neighbours() -> list[tuple]:
        return ws.con.execute("SELECT neighbours FROM activity_builds WHERE grain = 'week'").fetchall()

    assert retention(ws.con, period="week", periods=2, unbounded=True)["p2"].to_list() == [1, 0, None]
    assert neighbours() == [(False,)]
    statuses = {(r["period_start"], r["status"]): r["users"] for r in lifecycle(ws.con).iter_rows(named=True)}
    week_3 = date(2026, 1, 19)
    assert statuses[(week_3, "resurrecting")] == 1 and statuses[(week_3, "dormant")] == -1
    assert neighbours() == [(True,)]
    assert retention(ws.con, period="week", periods=2)["p2"].to_list() == [1, 0, None]
    assert neighbours() == [(True,)]  # the full build serves retention too


def test_a_cursor_whose_events_are_a_private_subset_gets_a_private_build(ws: Workspace) -> None:
    # A retention breakdown runs the metric on a cursor whose `events` is a temporary view of one group.
    put(ws, [("a", "2026-01-05 10:00+00"), ("a", "2026-01-12 10:00+00"), ("b", "2026-01-06 10:00+00"),
             ("c", "2026-01-13 10:00+00"), ("c", "2026-01-20 10:00+00"), ("d", "2026-03-02 10:00+00")])
    everyone = retention(ws.con, period="week", periods=1)
    cur = ws.con.cursor()
    catalog = cur.execute("SELECT current_database()").fetchall()[0][0]
    cur.execute(f'CREATE TEMP VIEW events AS SELECT * FROM "{catalog}".main.events '
                "WHERE user_id IN ('a', 'd')")
    group = retention(cur, period="week", periods=1)
    assert group["cohort_size"].to_list() == [1, 1] and group["p1"].to_list() == [1, None]
    life = {(r["period_start"], r["status"]): r["users"]
            for r in lifecycle(cur, period="week").iter_rows(named=True) if r["users"]}
    assert life == {(date(2026, 1, 5), "new"): 1, (date(2026, 1, 12), "returning"): 1,
                    (date(2026, 1, 19), "dormant"): -1, (date(2026, 3, 2), "new"): 1}
    cur.close()
    other = ws.con.cursor()  # b and c: three events too, as many as a and d, at the same data version
    other.execute(f'CREATE TEMP VIEW events AS SELECT * FROM "{catalog}".main.events '
                  "WHERE user_id IN ('b', 'c')")
    group = retention(other, period="week", periods=1)
    assert group["cohort_size"].to_list() == [1, 1] and group["p1"].to_list() == [0, None]
    other.close()
    assert retention(ws.con, period="week", periods=1).to_dicts() == everyone.to_dicts()
    builds = ws.con.execute("SELECT events_rows FROM activity_builds").fetchall()
    assert builds == [(6,)]  # the workspace's build was never replaced by a group's


def test_no_user_id_is_stored(ws: Workspace) -> None:
    put(ws, [("canary-7f3a", "2026-01-05 10:00+00"), ("canary-7f3a", "2026-01-14 10:00+00")])
    retention(ws.con)
    lifecycle(ws.con, period="month")
    dau_wau_mau(ws.con)
    columns = {r[0] for r in ws.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'activity'").fetchall()}
    assert columns == {"grain", "timezone", "wshift", "pnum", "prev_p", "next_p", "first_p",
                       "last_p", "user_first_day", "users"}  # counts of users, never an id
    text = ws.con.execute("SELECT string_agg(a::VARCHAR, ' ') FROM activity a").fetchall()[0][0]
    assert "canary" not in text and ws.con.execute("SELECT sum(users) FROM activity").fetchall() == [(5,)]


def test_threads_share_one_build(tmp_path) -> None:
    ws = Workspace(tmp_path / "w.duckdb")
    put(ws, [(f"u{i}", f"2026-01-{5 + i % 20:02d} 10:00+00") for i in range(200)])
    results, errors = [], []

    def work() -> None:
        try:
            results.append(retention_json(retention(ws.con, period="week", periods=2)))
        except Exception as exc:  # noqa: BLE001 - the test reports any failure of a thread
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 6 and all(r == results[0] for r in results)
    assert ws.con.execute("SELECT count(*) FROM activity_builds").fetchall() == [(1,)]
    ws.close()


BASE = datetime(2026, 3, 1, tzinfo=UTC)
rows_st = st.lists(st.tuples(st.sampled_from(["u1", "u2", "u3", "u4"]),
                             st.integers(0, 80 * 24).map(lambda h: BASE + timedelta(hours=h))),
                   min_size=1, max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_st, period=st.sampled_from(["day", "week", "month"]), unbounded=st.booleans(),
       cohort=st.sampled_from(["first", "recurring"]),
       tz=st.sampled_from(["UTC", "America/New_York", "Asia/Kolkata"]),
       date_from=st.sampled_from([None, date(2026, 3, 9)]))
def test_activity_and_event_scan_agree(ws: Workspace, rows, period, unbounded, cohort, tz, date_from) -> None:
    # Every event is "x": naming it as start and return event takes the scan of the events (retention.sql),
    # leaving both unnamed reads the activity table (retention_activity.sql) where the options allow.
    with ws.write("events") as cur:
        cur.execute("DELETE FROM events")
        cur.executemany("INSERT INTO events (user_id, event, ts) VALUES (?, 'x', ?)", rows)
    kw = dict(period=period, periods=5, unbounded=unbounded, cohort=cohort, timezone=tz, date_from=date_from)
    assert retention(ws.con, **kw).to_dicts() == retention(ws.con, start_event="x", return_event="x",
                                                           **kw).to_dicts()

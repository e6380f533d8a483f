import threading

import pytest

from analytics.errors import UserLensError
from analytics.migrations import MIGRATIONS
from analytics.workspace import Workspace, open_workspace


def test_migrations_create_every_table(ws: Workspace) -> None:
    tables = {r[0] for r in ws.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    for name in ("events", "users", "feedback", "kano_responses", "requirements", "batches", "rejects",
                 "embedding_cache", "personas", "persona_members", "themes", "theme_members",
                 "requirement_evidence"):
        assert name in tables
    assert ws.schema_version() == max(v for v, _, _ in MIGRATIONS)


def test_reopen_keeps_data_and_does_not_remigrate(tmp_path) -> None:
    path = tmp_path / "w.duckdb"
    first = Workspace(path)
    first.set_setting("timezone", "Asia/Shanghai")
    first.close()
    second = Workspace(path)
    assert second.timezone == "Asia/Shanghai"
    assert second.con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
    second.close()


def test_settings_validate(ws: Workspace) -> None:
    assert ws.settings() == {"timezone": "UTC", "week_start": "monday"}
    ws.set_setting("week_start", "Sunday")
    assert ws.week_start == "sunday"
    with pytest.raises(UserLensError, match="IANA"):
        ws.set_setting("timezone", "Not/AZone")
    with pytest.raises(UserLensError, match="monday"):
        ws.set_setting("week_start", "friday")


def test_failed_write_rolls_back_and_keeps_version(ws: Workspace) -> None:
    before = ws.versions()["events"]
    with pytest.raises(RuntimeError), ws.write("events") as cur:
        cur.execute("INSERT INTO events (user_id, event, ts) VALUES ('u', 'e', now())")
        raise RuntimeError("boom")
    assert ws.con.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert ws.versions()["events"] == before


def test_concurrent_writers_are_serialised(tmp_path) -> None:
    w = open_workspace(tmp_path / "c.duckdb")
    errors: list[BaseException] = []

    def insert(n: int) -> None:
        try:
            for i in range(20):
                with w.write("events") as cur:
                    cur.execute("INSERT INTO events (user_id, event, ts) VALUES (?, 'e', now())",
                                [f"{n}-{i}"])
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=insert, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert w.con.execute("SELECT count(*) FROM events").fetchone()[0] == 80
    assert w.versions()["events"] == 80
    assert open_workspace(tmp_path / "c.duckdb") is w
    w.close()


def test_secret_is_stable_and_hidden(ws: Workspace) -> None:
    assert ws.secret() == ws.secret()
    assert len(ws.secret()) == 32
    assert "_hmac_secret" not in ws.settings()


def test_helpers_leave_no_open_result(ws: Workspace) -> None:
    # DuckDB 2.0 refuses a query on a cursor with a half-read execute() result.
    ws.row_counts()
    ws.secret()
    ws.settings()
    ws.get_setting("timezone")
    ws.schema_version()
    assert ws.con.sql("SELECT count(*) FROM events").fetchall() == [(0,)]

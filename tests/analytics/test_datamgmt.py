"""delete_batch and forget_user."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.datamgmt import delete_batch, forget_user
from analytics.errors import UserLensError
from analytics.ingest import ingest_file
from analytics.pseudonymise import hmac_id


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_delete_batch_removes_rows_rejects_and_entry(ws, tmp_path: Path) -> None:
    a = ingest_file(
        ws, "events", _csv(tmp_path, "a.csv", "user_id,event,ts\nu1,x,2024-01-01\n,x,2024-01-01\n")
    )
    b = ingest_file(
        ws, "events", _csv(tmp_path, "b.csv", "user_id,event,ts\nu2,x,2024-01-01\nu3,y,2024-01-02\n")
    )
    removed = delete_batch(ws, a.batch_id)
    assert removed == {
        "events": 1,
        "users": 0,
        "feedback": 0,
        "kano_responses": 0,
        "requirements": 0,
        "rejects": 1,
        "batches": 1,
    }
    assert ws.con.execute("SELECT user_id FROM events ORDER BY 1").fetchall() == [("u2",), ("u3",)]
    assert ws.con.execute("SELECT batch_id FROM batches").fetchall() == [(b.batch_id,)]
    with pytest.raises(UserLensError, match=f"no batch {a.batch_id} .loaded batches: {b.batch_id}"):
        delete_batch(ws, a.batch_id)
    # after deletion the same file can be loaded again without --replace
    assert ingest_file(ws, "events", tmp_path / "a.csv").rows_loaded == 1


def test_forget_user_everywhere(ws, tmp_path: Path) -> None:
    ingest_file(
        ws,
        "events",
        _csv(
            tmp_path,
            "e.csv",
            "user_id,event,ts\n17850.0,x,2024-01-01\nu2,x,2024-01-01\n17850,y,2024-01-02\n17850,z,garbage\n",
        ),
    )
    ingest_file(ws, "users", _csv(tmp_path, "u.csv", "user_id,plan\n17850,pro\nu2,free\n"))
    ingest_file(ws, "feedback", _csv(tmp_path, "f.csv", "id,user_id,text\nf1,17850,slow\nf2,u2,fast\n"))
    ingest_file(
        ws,
        "kano",
        _csv(
            tmp_path,
            "k.csv",
            "respondent,user_id,feature,functional,dysfunctional\nr1,17850,A,1,5\nr2,u2,A,3,3\n",
        ),
    )
    con = ws.con
    con.execute("INSERT INTO persona_members (run_id, user_id, persona_id) "
                "VALUES ('run1', '17850', 0), ('run1', 'u2', 1)")
    con.execute("INSERT INTO theme_members VALUES ('run1', 'f1', 0), ('run1', 'f2', 0)")
    con.execute(
        "INSERT INTO requirement_evidence VALUES ('run1', 'R1', 'f1', '17850', 0.9), "
        "('run1', 'R1', 'f2', 'u2', 0.8)"
    )
    removed = forget_user(ws, "17850")
    assert removed == {
        "theme_members": 1,
        "requirement_evidence": 1,
        "events": 2,
        "users": 1,
        "feedback": 1,
        "kano_responses": 1,
        "persona_members": 1,
        "rejects": 1,
    }
    for table in ("events", "users", "feedback", "kano_responses", "persona_members", "requirement_evidence"):
        assert con.execute(f"SELECT DISTINCT user_id FROM {table}").fetchall() == [("u2",)], table
    assert con.execute("SELECT feedback_id FROM theme_members").fetchall() == [("f2",)]
    assert con.execute("SELECT count(*) FROM rejects").fetchall() == [(0,)]
    with pytest.raises(UserLensError):
        forget_user(ws, "  ")


def test_forget_user_in_pseudonymised_workspace(ws, tmp_path: Path) -> None:
    ingest_file(
        ws,
        "events",
        _csv(tmp_path, "e.csv", "user_id,event,ts\nalice,x,2024-01-01\nbob,x,2024-01-01\n"),
        pseudonymise=True,
    )
    assert forget_user(ws, "alice")["events"] == 1
    assert ws.con.execute("SELECT user_id FROM events").fetchall() == [(hmac_id(ws.secret(), "bob"),)]

"""delete_batch, forget_user (every table from the catalogue, rejects in every form, cache) and compaction."""

from __future__ import annotations

import json
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
    removed = {t: n for t, n in forget_user(ws, "17850").removed.items() if n}
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
    assert forget_user(ws, "alice").removed["events"] == 1
    assert ws.con.execute("SELECT user_id FROM events").fetchall() == [(hmac_id(ws.secret(), "bob"),)]


def _rejects(ws) -> list[str]:
    return sorted(r[0] for r in ws.con.execute("SELECT raw_line FROM rejects").fetchall())


def test_forget_removes_rejected_lines_in_every_form_the_loader_trims(ws, tmp_path: Path) -> None:
    ingest_file(ws, "events", _csv(tmp_path, "e.csv", (
        "user_id,event,ts,email\n"
        " u42 ,x,garbage,jane@example.com\n"  # padded id, unparseable time
        "u42,app_open\n"  # a line that never parsed
        '"u42",x,also bad,"a@b.c"\n'
        "u420,x,bad,keep@example.com\n"  # another user whose id starts the same
        "u4,x,bad,keep2@example.com\n"
        "u7,x,bad,met u42 at the fair\n"  # the id inside someone else's text is not their line
        "u7,x,2024-01-01,\n")), max_reject_share=1)
    ingest_file(ws, "events", _csv(tmp_path, "n.csv", (
        "user_id,event,ts\n17850.0,x,bad\n17850.00,y\n178500,x,bad\n-17850,x,bad\n")), max_reject_share=1)
    forget_user(ws, "u42")
    assert not any("jane@example.com" in r or "app_open" in r or "a@b.c" in r for r in _rejects(ws))
    assert len(_rejects(ws)) == 3 + 4  # u420, u4, u7 and the four numeric lines
    removed = forget_user(ws, "17850").removed
    assert removed["rejects"] == 2
    assert [r for r in _rejects(ws) if "1785" in r] == [
        '{"user_id":"-17850","event":"x","ts":"bad"}', '{"user_id":"178500","event":"x","ts":"bad"}']


def test_forget_keeps_cache_entries_of_texts_others_wrote_too(ws, tmp_path: Path) -> None:
    import hashlib

    text = "user_id,text\nu1,Great app\nu1,only mine\nu2,Great app\n"
    ingest_file(ws, "feedback", _csv(tmp_path, "f.csv", text))
    digest = {t: hashlib.sha256(t.encode()).hexdigest() for t in ("Great app", "only mine")}
    ws.con.execute("INSERT INTO embedding_cache SELECT 'm', unnest($h), [1.0, 0.0]",
                   {"h": list(digest.values())})
    assert forget_user(ws, "u1").removed["embedding_cache"] == 1
    assert ws.con.execute("SELECT text_sha256 FROM embedding_cache").fetchall() == [(digest["Great app"],)]


def test_a_table_added_later_is_covered_from_the_catalogue(ws, tmp_path: Path) -> None:
    """Rows keyed by the user or their feedback go; their words leave lists and JSON of derived tables."""
    text = "id,user_id,text\nf1,u1,my secret words\nf2,u2,hello\n"
    ingest_file(ws, "feedback", _csv(tmp_path, "f.csv", text))
    ws.con.execute("CREATE TABLE future_labels (feedback_id VARCHAR, label VARCHAR)")
    ws.con.execute("INSERT INTO future_labels VALUES ('f1', 'bug'), ('f2', 'praise')")
    ws.con.execute("CREATE TABLE future_scores (user_id VARCHAR, score DOUBLE)")
    ws.con.execute("INSERT INTO future_scores VALUES ('u1', 1), ('u2', 2)")
    ws.con.execute("CREATE TABLE future_cards (card VARCHAR, quotes VARCHAR[], details JSON)")
    ws.con.execute("""INSERT INTO future_cards VALUES ('c', ['my secret words', 'hello'],
                      '{"examples": ["my secret words", "hello"], "best": "my secret words", "n": 2}')""")
    erasure = forget_user(ws, "u1")
    assert erasure.removed["future_labels"] == 1 and erasure.removed["future_scores"] == 1
    assert erasure.rewritten == {"future_cards": 1}
    assert ws.con.execute("SELECT feedback_id FROM future_labels").fetchall() == [("f2",)]
    quotes, details = ws.con.execute("SELECT quotes, details FROM future_cards").fetchall()[0]
    assert quotes == ["hello"] and json.loads(details) == {"examples": ["hello"], "best": None, "n": 2}
    assert list(erasure.frame().columns) == ["table", "rows_removed", "rows_rewritten"]


def test_compaction_rewrites_the_file_without_the_erased_bytes(tmp_path: Path) -> None:
    from analytics.erasure import compact_if_pending
    from analytics.workspace import Workspace

    path = tmp_path / "w.duckdb"
    ws = Workspace(path)
    text = "user_id,text\nu1,zorblaxian words\nu2,hello there\n"
    ingest_file(ws, "feedback", _csv(tmp_path, "f.csv", text))
    ws.con.execute("CHECKPOINT")
    assert b"zorblaxian" in path.read_bytes()
    forget_user(ws, "u1")
    assert b"zorblaxian" in path.read_bytes()  # DuckDB leaves freed blocks as they were
    with pytest.raises(UserLensError, match="open elsewhere"):
        compact_if_pending(path)  # never swapped under an open connection
    ws.close()
    assert compact_if_pending(path) is True
    assert b"zorblaxian" not in path.read_bytes()
    assert compact_if_pending(path) is False  # done: the flag went with it
    again = Workspace(path)
    try:
        assert again.con.execute("SELECT user_id, text FROM feedback").fetchall() == [("u2", "hello there")]
        assert ingest_file(again, "feedback", _csv(tmp_path, "g.csv", "user_id,text\nu3,x\n")).batch_id == 2
    finally:
        again.close()

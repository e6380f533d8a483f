"""A pseudonymised load stores no raw id and no contact detail in any column of any kind, rejects included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analytics.ingest import ingest_file
from analytics.pseudonymise import hmac_id

ID = "jane.doe@example.com"  # a user id that is itself an e-mail
CONTACT = [ID, "+44 20 7946 0958", "020 7946 0958", "13812345678", "11010519491231002X", "123-45-6789",
           "555-123-4567"]
# A file per kind with contact details in every column (and a rejected row, and a line that never parsed).
FILES = {
    "events": ("user_id,event,ts,session_id,note\n"
               f" {ID} ,call 020 7946 0958,2024-01-01,+44 20 7946 0958,SSN 123-45-6789\n"
               f"{ID},open,not a time,s1,13812345678\n"
               f"{ID},app_open\n"
               "u2,open,2024-01-02,s2,order ORD-2024-000123 v3.10.2\n"),
    "users": f"user_id,plan,phone,idno\n{ID},pro,555-123-4567,11010519491231002X\nu2,free,,\n",
    "feedback": ("feedback_id,user_id,text,channel,contact\n"
                 f"{ID},{ID},ring me on 020 7946 0958,+44 20 7946 0958,{ID}\n"
                 f"f2,{ID},,email,13812345678\n"
                 "f3,u2,fine thanks,app,\n"),
    "kano": ("respondent,user_id,feature,functional,dysfunctional,email\n"
             f"13812345678,{ID},Export to 555-123-4567,I like it,I dislike it,{ID}\n"
             f"r2,{ID},Export,maybe,I dislike it,{ID}\n"),
    "requirements": ("req_id,title,description,owner\n"
                     f"R1,Call-back via 020 7946 0958,Ask {ID},{ID}\n"
                     "R2,Dark mode,,\n"),
}


def _everything(ws) -> str:
    """Every value of every table, as text."""
    tables = [r[0] for r in ws.con.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_type = 'BASE TABLE'").fetchall()]
    return "\n".join(str(row) for t in tables for row in ws.con.execute(f'SELECT * FROM "{t}"').fetchall())


@pytest.mark.parametrize("kind", list(FILES))
def test_no_raw_id_or_contact_detail_is_stored(ws, tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}-{ID}.csv"  # the file name holds the e-mail too
    path.write_text(FILES[kind], encoding="utf-8")
    result = ingest_file(ws, kind, path, pseudonymise=True)
    stored = _everything(ws)
    assert [c for c in CONTACT if c in stored] == []
    assert result.rows_loaded >= 1
    # harmless text stays as it was
    if kind == "events":
        assert "order ORD-2024-000123 v3.10.2" in stored
    if kind in ("events", "feedback", "kano"):  # rejected lines are there, redacted and hashed
        rejects = [r[0] for r in ws.con.execute("SELECT raw_line FROM rejects").fetchall()]
        assert rejects and all(hmac_id(ws.secret(), ID) in line for line in rejects)


def test_identifiers_with_contact_data_are_hashed_not_merged(ws, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("feedback_id,user_id,text\na@example.com,u1,one\nb@example.com,u1,two\nf3,u1,three\n")
    ingest_file(ws, "feedback", path, pseudonymise=True)
    ids = [r[0] for r in ws.con.execute("SELECT feedback_id FROM feedback ORDER BY text").fetchall()]
    secret = ws.secret()  # texts in order: one, three, two
    assert ids == [hmac_id(secret, "a@example.com"), "f3", hmac_id(secret, "b@example.com")]


def test_constants_and_file_name_are_pseudonymised(ws, tmp_path: Path) -> None:
    path = tmp_path / "call 020 7946 0958.csv"
    path.write_text("event,ts\nopen,2024-01-01\n")
    ingest_file(ws, "events", path, constants={"user_id": ID}, pseudonymise=True)
    name, mapping = ws.con.execute("SELECT file_name, mapping FROM batches").fetchall()[0]
    assert name == "call [phone].csv"
    assert json.loads(mapping)["constants"] == {"user_id": hmac_id(ws.secret(), ID)}
    assert ws.con.execute("SELECT user_id FROM events").fetchall() == [(hmac_id(ws.secret(), ID),)]


def test_session_and_respondent_ids_are_hashed_as_they_often_embed_the_user_id(ws, tmp_path: Path) -> None:
    events = tmp_path / "e.csv"
    events.write_text("user_id,event,ts,session_id\nu42,open,2024-01-01,u42-s001\n"
                      "u42,view,2024-01-01,u42-s001\nu42,view,bad time,u42-s002\n")
    kano = tmp_path / "k.csv"
    kano.write_text("respondent,user_id,feature,functional,dysfunctional\n"
                    "u42,u42,Export,I like it,I dislike it\n")
    ingest_file(ws, "events", events, pseudonymise=True)
    ingest_file(ws, "kano", kano, pseudonymise=True)
    assert "u42" not in _everything(ws)
    sessions = ws.con.execute("SELECT DISTINCT session_id FROM events").fetchall()
    assert sessions == [(hmac_id(ws.secret(), "u42-s001"),)]  # one session, still one

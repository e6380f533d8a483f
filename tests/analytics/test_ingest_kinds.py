"""Per-kind behaviour: users/requirements upserts, feedback ids, Kano long and wide, pseudonymisation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analytics.errors import InputFileError
from analytics.ingest import detect_mapping, ingest_file, rejects_for
from analytics.pseudonymise import hmac_id
from analytics.workspace import Workspace


def _csv(tmp_path: Path, text: str, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_users_upsert_merges_attributes_and_later_row_wins(ws, tmp_path: Path) -> None:
    first = _csv(tmp_path, "user_id,plan,country,variant\n17850.0,free,DE,A\nu2,pro,FR,B\n", "a.csv")
    ingest_file(ws, "users", first)
    second = _csv(tmp_path, "uid,plan\nu2,team\n17850,pro\n17850,enterprise\n", "b.csv")
    result = ingest_file(ws, "users", second)
    assert (result.rows_read, result.rows_loaded) == (3, 2)
    assert result.reject_reasons == {"duplicate user_id (a later row wins)": 1}
    assert rejects_for(ws.con, result.batch_id)["row_number"].to_list() == [2]
    got = {u: json.loads(a) for u, a in ws.con.execute("SELECT user_id, attributes FROM users").fetchall()}
    assert got == {
        "17850": {"plan": "enterprise", "country": "DE", "variant": "A"},
        "u2": {"plan": "team", "country": "FR", "variant": "B"},
    }


def test_requirements_upsert_and_properties(ws, tmp_path: Path) -> None:
    ingest_file(
        ws,
        "requirements",
        _csv(tmp_path, "id,title,reach,effort,team\nR1,Export,100,2,core\nR2,Import,50,1,growth\n", "a.csv"),
    )
    result = ingest_file(
        ws, "requirements", _csv(tmp_path, "req_id,reach,business_value\nR1,300,8\n", "b.csv")
    )
    assert result.rows_loaded == 1
    got = ws.con.execute(
        "SELECT req_id, title, reach, effort, business_value, properties->>'team', batch_id "
        "FROM requirements ORDER BY req_id"
    ).fetchall()
    assert got == [
        ("R1", "Export", 300.0, 2.0, 8.0, "core", 2),
        ("R2", "Import", 50.0, 1.0, None, "growth", 1),
    ]


def test_feedback_ids_are_generated_from_batch_and_row(ws, tmp_path: Path) -> None:
    result = ingest_file(ws, "feedback", _csv(tmp_path, 'comment,channel\nGood,\n"",web\nNice,email\n'))
    assert result.rows_read == 3 and result.reject_reasons == {"empty text": 1}
    got = ws.con.execute("SELECT feedback_id, text, channel FROM feedback ORDER BY feedback_id").fetchall()
    assert got == [(f"{result.batch_id}-1", "Good", None), (f"{result.batch_id}-3", "Nice", "email")]


def test_pseudonymise_hashes_ids_and_redacts_text(tmp_path: Path) -> None:
    text = (
        "user_id,text\n"
        "17850.0,Mail me at jane.doe@example.com or call +44 20 7946 0958\n"
        "17850,我的手机 13812345678 身份证 11010519491231002X\n"
    )
    path = _csv(tmp_path, text)
    ws1, ws2 = Workspace(":memory:"), Workspace(":memory:")
    try:
        ingest_file(ws1, "feedback", path, pseudonymise=True)
        ingest_file(ws2, "feedback", path, pseudonymise=True)
        rows = ws1.con.execute("SELECT user_id, text FROM feedback ORDER BY text").fetchall()
        assert rows[0][0] == rows[1][0] == hmac_id(ws1.secret(), "17850")  # same id -> same hash
        assert len(rows[0][0]) == 64 and "17850" not in rows[0][0]
        assert [r[1] for r in rows] == ["Mail me at [email] or call [phone]", "我的手机 [phone] 身份证 [id]"]
        other = ws2.con.execute("SELECT DISTINCT user_id FROM feedback").fetchall()[0][0]
        assert other != rows[0][0]  # another workspace, another secret
        assert ws1.con.execute("SELECT mapping->>'pseudonymised' FROM batches").fetchall() == [("true",)]
    finally:
        ws1.close()
        ws2.close()


def test_events_pseudonymised(ws, tmp_path: Path) -> None:
    ingest_file(ws, "events", _csv(tmp_path, "user,event,time\na,x,2024-01-01\n"), pseudonymise=True)
    assert ws.con.execute("SELECT user_id FROM events").fetchall() == [(hmac_id(ws.secret(), "a"),)]


EN = [
    ("I like it", 1),
    ("I like it that way", 1),
    ("I expect it", 2),
    ("I must be that way", 2),
    ("It must be that way", 2),
    ("I am neutral", 3),
    ("I can tolerate it", 4),
    ("I can live with it that way", 4),
    ("I dislike it", 5),
    ("I dislike it that way", 5),
]
ZH = [("喜欢", 1), ("理所当然", 2), ("无所谓", 3), ("能忍受", 4), ("不喜欢", 5)]


def test_kano_long_every_wording(ws, tmp_path: Path) -> None:
    answers = EN + ZH + [("  i LIKE it!  ", 1), ("I LIKE IT THAT WAY.", 1), ("3", 3)]
    lines = ["respondent,feature,functional,dysfunctional,importance,segment"]
    lines += [
        f"r{i},F,{a},{a},{i % 9 + 1} - Extremely important,s{i % 2}" for i, (a, _) in enumerate(answers)
    ]
    lines += [
        "rx,F,I adore it,I dislike it,5,s0",
        "ry,F,I like it,,5,s0",
        "rz,F,I like it,I dislike it,very,s1",
    ]
    result = ingest_file(ws, "kano", _csv(tmp_path, "\n".join(lines) + "\n"))
    assert result.rows_loaded == len(answers)
    assert result.reject_reasons == {
        "unrecognised functional answer": 1,
        "missing dysfunctional": 1,
        "non-numeric importance": 1,
    }
    got = ws.con.execute(
        "SELECT respondent_id, functional, dysfunctional, importance, attributes->>'segment' "
        "FROM kano_responses"
    ).fetchall()
    expected = [(f"r{i}", code, code, float(i % 9 + 1), f"s{i % 2}") for i, (_, code) in enumerate(answers)]
    assert sorted(got) == sorted(expected)


def test_kano_wide_survey_any_column_order(ws, tmp_path: Path) -> None:
    text = (
        "Dark mode_dysfunctional,respondent_id,Export_functional,segment,Dark mode_functional,"
        "Export_importance,Export_dysfunctional,Dark mode_importance\n"
        "I dislike it,r1,我喜欢,pro,I like it,9 - Extremely important,不喜欢,3\n"
        "I am neutral,r2,I expect it,free,I can live with it that way,1 - Not at all important,"
        "无所谓,\n"
        "nonsense,r3,能忍受,free,I like it,5,理所当然,\n"
    )
    path = _csv(tmp_path, text)
    preview = detect_mapping(path, "kano")
    assert preview.layout == "wide" and preview.wide_features == ["Dark mode", "Export"]
    result = ingest_file(ws, "kano", path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (6, 5, 1)
    assert result.reject_reasons == {"unrecognised dysfunctional answer": 1}
    assert rejects_for(ws.con, result.batch_id)["row_number"].to_list() == [3]
    got = ws.con.execute(
        "SELECT respondent_id, feature, functional, dysfunctional, importance, "
        "attributes->>'segment' FROM kano_responses ORDER BY 1, 2"
    ).fetchall()
    assert got == [
        ("r1", "Dark mode", 1, 5, 3.0, "pro"),
        ("r1", "Export", 1, 5, 9.0, "pro"),
        ("r2", "Dark mode", 4, 3, None, "free"),
        ("r2", "Export", 2, 3, 1.0, "free"),
        ("r3", "Export", 4, 2, 5.0, "free"),
    ]


def test_kano_wide_needs_both_questions(ws, tmp_path: Path) -> None:
    text = "respondent,A_functional,A_dysfunctional,B_functional\nr1,like,dislike,like\n"
    with pytest.raises(InputFileError, match="'B' lack a functional or dysfunctional partner"):
        ingest_file(ws, "kano", _csv(tmp_path, text))


def test_kano_without_respondent_gets_generated_ids(ws, tmp_path: Path) -> None:
    result = ingest_file(ws, "kano", _csv(tmp_path, "feature,functional,dysfunctional\nA,like,dislike\n"))
    assert ws.con.execute("SELECT respondent_id FROM kano_responses").fetchall() == [
        (f"{result.batch_id}-1",)
    ]

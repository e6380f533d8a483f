"""Forgetting a user keeps persona and theme runs: quotes re-picked, keywords only they used dropped."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from analytics.workspace import Workspace
from embeddings.erasure import forget_user_everywhere
from embeddings.personas import run_personas
from embeddings.store import new_run_id, write_clusters
from embeddings.themes import run_themes
from tests.helpers import GROUP_TEXTS, insert_rows

T0 = datetime(2024, 1, 1, tzinfo=UTC)
# The talker's text is the most typical of the exporters (it holds every exporter word), so the
# runs quote it first; the other exporters write the group's usual texts.
TALKER_TEXT = "export report to csv fails export report as pdf please csv export of report is slow"


def _workspace(ws: Workspace) -> None:
    feedback, events = [], []
    for group, texts in GROUP_TEXTS.items():
        for u in range(8):
            uid = f"{group[:3]}{u:02d}"
            feedback.append((f"f-{uid}", uid, T0, texts[u % len(texts)], 3.0, 7.0))
            events.append((uid, "open", T0))
    feedback.append(("f-talker", "talker", T0, TALKER_TEXT, 1.0, 2.0))
    events.append(("talker", "open", T0))
    insert_rows(ws, events, feedback)


def _quotes(ws: Workspace, table: str) -> dict[str, list[list[str]]]:
    rows = ws.con.execute(f"SELECT run_id, list(quotes ORDER BY 1) FROM {table} GROUP BY run_id").fetchall()
    return dict(rows)


def test_quotes_are_repicked_from_the_remaining_members(ws, fake_encoder) -> None:
    _workspace(ws)
    run_personas(ws, k=2, encoder=fake_encoder)
    run_themes(ws, k=2, encoder=fake_encoder)
    before = {**_quotes(ws, "personas"), **_quotes(ws, "themes")}
    for table in ("personas", "themes"):
        quoted = ws.con.execute(f"SELECT flatten(list(quotes)) FROM {table}").fetchall()[0][0]
        assert TALKER_TEXT in quoted, table  # precondition: the talker is quoted
    erasure = forget_user_everywhere(ws, "talker")
    assert erasure.rewritten == {"personas": 1, "themes": 1}
    after = {**_quotes(ws, "personas"), **_quotes(ws, "themes")}
    assert after.keys() == before.keys()  # same runs, same cards
    remaining = {r[0] for r in ws.con.execute("SELECT text FROM feedback").fetchall()}
    for run, cards in after.items():
        assert [len(q) for q in cards] == [len(q) for q in before[run]], run  # still three quotes each
        assert all(q in remaining for quotes in cards for q in quotes), run
    exporters = set(GROUP_TEXTS["exporters"])
    for table in ("personas", "themes"):
        quotes = ws.con.execute(f"SELECT quotes FROM {table} WHERE list_contains(quotes, $q)",
                                {"q": GROUP_TEXTS["exporters"][0]}).fetchall()[0][0]
        assert set(quotes) <= exporters and len(quotes) == 3, table


def test_a_keyword_only_they_used_leaves_the_card_and_its_name(ws) -> None:
    """A hand-made theme run (no cached vectors): the talker's quote goes, the others stay, and the
    keyword only their text held leaves the keywords and the name."""
    _workspace(ws)
    ws.con.execute("UPDATE feedback SET text = 'zorblax export report zorblax' WHERE user_id = 'talker'")
    run_id = new_run_id("themes")
    exporters = ["f-talker"] + [f"f-exp{u:02d}" for u in range(8)]
    write_clusters(ws, kind="themes", run_id=run_id, params={"encoder": "not-cached"}, summary={},
                   clusters=[{"id": 0, "name": "zorblax, export, report", "size": 9,
                              "keywords": ["zorblax", "export", "report", "csv"],
                              "quotes": ["zorblax export report zorblax", GROUP_TEXTS["exporters"][0]],
                              "figures": {}, "share": 1.0, "confidence": 0.5}],
                   members=pl.DataFrame({"feedback_id": exporters, "theme_id": [0] * len(exporters)}))
    forget_user_everywhere(ws, "talker")
    name, keywords, quotes = ws.con.execute("SELECT name, keywords, quotes FROM themes").fetchall()[0]
    assert keywords == ["export", "report", "csv"]
    assert name == "export, report, csv"
    assert quotes == [GROUP_TEXTS["exporters"][0]]


def test_a_persona_name_keeps_its_behaviour_part(ws) -> None:
    _workspace(ws)
    ws.con.execute("UPDATE feedback SET text = 'zorblax export' WHERE user_id = 'talker'")
    run_id = new_run_id("personas")
    users = ["talker"] + [f"exp{u:02d}" for u in range(8)]
    write_clusters(ws, kind="personas", run_id=run_id, params={}, summary={},
                   clusters=[{"id": 0, "name": "Light users · zorblax, export", "size": 9,
                              "keywords": ["zorblax", "export"], "quotes": [], "figures": {}, "share": 1.0,
                              "confidence": 0.5}],
                   members=pl.DataFrame({"user_id": users, "persona_id": [0] * len(users)}))
    forget_user_everywhere(ws, "talker")
    assert ws.con.execute("SELECT name, keywords FROM personas").fetchall() == [
        ("Light users · export", ["export"])]

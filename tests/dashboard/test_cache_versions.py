"""Cache correctness (issue 13 item 2): every table has a version, every write bumps the tables it
touches, and a cached read follows the data — forgetting a user redraws the persona map without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.erasure import forget_user
from analytics.workspace import Workspace
from tests.helpers import FakeEncoder, insert_rows, planted_rows


def test_versions_cover_every_table(ws: Workspace) -> None:
    tables = {r[0] for r in ws.con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    versions = ws.versions()
    assert set(versions) == tables - {"table_versions", "schema_migrations"}
    assert {"persona_members", "theme_members", "feedback_intents", "analysis_runs"} <= set(versions)
    before = versions["settings"]
    ws.set_setting("timezone", "Europe/Berlin")  # a setting changes every period result
    after = ws.versions()
    assert after["settings"] == before + 1 and after["events"] == versions["events"] + 1


@pytest.fixture
def persona_ws(tmp_path: Path) -> str:
    from embeddings.personas import run_personas

    path = tmp_path / "personas.duckdb"
    ws = Workspace(path)
    insert_rows(ws, *planted_rows())
    run_personas(ws, k=2, encoder=FakeEncoder())
    ws.close()
    return str(path)


def test_forgetting_a_user_redraws_the_persona_map(persona_ws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import cache

    monkeypatch.setenv("USERLENS_WORKSPACE", persona_ws)
    cache.clear()
    before = cache.read("latest_persona_map")
    assert "exp03" in before["user_id"].to_list()
    ws = cache.workspace()
    members = ws.versions()["persona_members"]
    forget_user(ws, "exp03")
    assert ws.versions()["persona_members"] == members + 1  # erasure touched the members: bumped
    after = cache.read("latest_persona_map")
    assert "exp03" not in after["user_id"].to_list()
    assert after.height == before.height - 1
    ws.close()

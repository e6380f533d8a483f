"""Forget and pseudonymisation on the bundled sample product's data (the small seeded copy)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from analytics.ingest import ingest_file
from analytics.workspace import Workspace
from embeddings.erasure import forget_user_everywhere
from embeddings.themes import run_themes
from tests.helpers import FakeEncoder
from tests.privacy.test_canary import search_exports, search_tables

CONTACT = ["jane.doe@example.com", "tom.becker@example.org", "+49 30 5550 1234"]


def _load(ws: Workspace, folder: Path, *, pseudonymise: bool) -> None:
    from sample_data.demo import DEMO_KINDS, demo_files

    files = demo_files(folder)
    for kind in DEMO_KINDS:
        ingest_file(ws, kind, files[kind], pseudonymise=pseudonymise)


def test_pseudonymised_sample_holds_no_raw_id_or_contact_detail(ws, sample_data_dir: Path) -> None:
    feedback = (sample_data_dir / "feedback.csv").read_text(encoding="utf-8")
    planted = [c for c in CONTACT if c in feedback]
    if not planted:
        pytest.skip("this sample has no contact details in its feedback")
    raw_ids = pl.read_csv(sample_data_dir / "users.csv")["user_id"].head(50).to_list()
    _load(ws, sample_data_dir, pseudonymise=True)
    assert search_tables(ws.con, planted) == []
    # not even inside session ids such as u00001-s001: those are hashed
    assert search_tables(ws.con, [f'"{u}"' for u in raw_ids] + raw_ids[:5]) == []
    assert search_exports(ws.con, planted + raw_ids[:5]) == []
    redacted = ws.con.execute("SELECT count(*) FROM feedback WHERE contains(text, '[email]')")
    assert redacted.fetchall()[0][0] >= 1


def test_forgetting_a_quoted_sample_user(ws, sample_data_dir: Path) -> None:
    _load(ws, sample_data_dir, pseudonymise=False)
    run_themes(ws, k=4, encoder=FakeEncoder())
    quote = ws.con.execute("SELECT quotes[1] FROM themes ORDER BY size DESC LIMIT 1").fetchall()[0][0]
    authors = ws.con.execute("SELECT DISTINCT user_id FROM feedback WHERE text = $t AND user_id IS NOT NULL",
                             {"t": quote}).fetchall()
    if len(authors) != 1:
        pytest.skip("the most typical quote was written by several users")
    user = authors[0][0]
    texts = [r[0] for r in ws.con.execute("SELECT text FROM feedback WHERE user_id = $u",
                                          {"u": user}).fetchall()]
    only_theirs = [t for t in texts if ws.con.execute(
        "SELECT count(DISTINCT user_id) FROM feedback WHERE text = $t", {"t": t}).fetchall()[0][0] == 1]
    sizes = ws.con.execute("SELECT theme_id, len(quotes) FROM themes ORDER BY theme_id").fetchall()
    erasure = forget_user_everywhere(ws, user)
    assert erasure.removed["events"] > 0 and erasure.rewritten["themes"] >= 1
    assert ws.con.execute("SELECT theme_id, len(quotes) FROM themes ORDER BY theme_id").fetchall() == sizes
    hashes = [hashlib.sha256(t.encode()).hexdigest() for t in only_theirs]
    assert search_tables(ws.con, [f'"{user}"', *only_theirs, *hashes]) == []
    assert ws.con.execute("SELECT count(*) FROM events WHERE user_id = $u", {"u": user}).fetchall()[0][0] == 0

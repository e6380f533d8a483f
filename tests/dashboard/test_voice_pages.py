"""AppTest of the intent/sentiment filter on the Feedback themes, Personas and Prioritisation pages and
of accepting a proposed requirement, on the hand-made workspace of tests/analytics/voice_seed.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.workspace import Workspace
from tests.analytics.voice_seed import plant_voice
from tests.dashboard.conftest import APP, texts


@pytest.fixture
def voice_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    from embeddings.proposals import propose_requirements

    path = tmp_path / "voice.duckdb"
    ws = Workspace(path)
    plant_voice(ws)
    start = datetime(2026, 3, 2, tzinfo=UTC)
    with ws.write("events", "users") as cur:
        for i, user in enumerate(("u1", "u2", "u3", "u4")):
            for day in range(3):
                cur.execute("INSERT INTO events (user_id, event, ts) VALUES (?, ?, ?)",
                            [user, "open", start + timedelta(days=7 * day, hours=i)])
    propose_requirements(ws)
    ws.close()
    monkeypatch.setenv("USERLENS_WORKSPACE", str(path))
    yield AppTest.from_file(APP, default_timeout=60)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_themes_filtered_by_intent(voice_app: AppTest) -> None:
    at = voice_app.switch_page("app_pages/themes.py").run()
    assert not at.exception
    assert len([e for e in at.expander if " — " in e.label]) == 2
    at.multiselect(key="theme-voice-intent").set_value(["bug report"]).run()
    assert not at.exception
    cards = [e.label for e in at.expander if " — " in e.label]
    assert cards == ["crash — 2 items (33.3 %)"]
    assert "Showing 1 theme with feedback of intent bug report" in texts(at)
    at.multiselect(key="theme-voice-intent").set_value([]).run()
    at.multiselect(key="theme-voice-sentiment").set_value(["positive"]).run()
    cards = [e.label for e in at.expander if " — " in e.label]
    assert cards == ["dark, mode — 1 item (50.0 %)"]  # F2 only (F5 is unthemed)


def test_personas_filtered_by_sentiment(voice_app: AppTest) -> None:
    at = voice_app.switch_page("app_pages/personas.py").run()
    assert not at.exception
    at.multiselect(key="persona-voice-sentiment").set_value(["positive"]).run()
    assert not at.exception
    body = texts(at)
    assert "Showing 2 personas with feedback of sentiment positive" in body
    assert "1 user wrote 1 item of sentiment positive." in body
    at.multiselect(key="persona-voice-intent").set_value(["feature request"]).run()
    body = texts(at)
    assert "Showing 1 persona" in body and "Night owls" in body and "#### Others" not in body


def test_accept_a_proposal_and_filter_the_ranking(voice_app: AppTest) -> None:
    at = voice_app.switch_page("app_pages/prioritise.py").run()
    assert not at.exception
    assert metric(at, "Requirements") == "2"
    assert "**Dark, mode**" in texts(at)
    accept = [b for b in at.button if b.key and b.key.startswith("accept-")]
    assert len(accept) == 1
    proposal = accept[0].key.removeprefix("accept-")
    accept[0].click().run()
    assert not at.exception
    assert f"Accepted {proposal} into the backlog" in texts(at)
    assert metric(at, "Requirements") == "3"  # it ranks with the others
    assert not [b for b in at.button if b.key and b.key.startswith("accept-")]
    assert f"In the backlog as {proposal} — ranked #" in texts(at)

    at.multiselect(key="prio-voice-intent").set_value(["bug report"]).run()
    assert not at.exception
    assert metric(at, "Requirements") == "1"  # R1, the only one with bug reports linked
    assert metric(at, "Top item") == "R1"


def test_report_page_filter_and_proposals(voice_app: AppTest) -> None:
    at = voice_app.switch_page("app_pages/report.py").run()
    assert not at.exception
    assert "1 feature-request themes no backlog item covered (1 still proposed, 0 accepted)" in texts(at)
    at.multiselect(key="rep-voice-intent").set_value(["bug report"]).run()
    assert not at.exception
    body = texts(at)
    assert "Filtered to feedback of intent bug report." in body
    assert "No proposed requirements" in body
    at.multiselect(key="rep-voice-intent").set_value(["praise"]).run()
    at.multiselect(key="rep-voice-sentiment").set_value(["negative"]).run()
    assert "No requirement has linked feedback of intent praise · sentiment negative." in texts(at)

"""The intent/sentiment filter and proposed requirements on the hand-made workspace of voice_seed.py
(expected values counted by hand from its table)."""

from __future__ import annotations

import polars as pl
import pytest

from analytics.errors import UserLensError
from analytics.proposals import latest_proposals
from analytics.voice_filter import (
    VoiceFilter, filter_ranking, persona_counts, requirement_counts, theme_counts, voice_items, voice_values,
)
from tests.analytics.voice_seed import plant_voice


@pytest.fixture
def voice_ws(ws):
    plant_voice(ws)
    return ws


def rows(frame: pl.DataFrame, *cols: str) -> list[tuple]:
    return [tuple(r) for r in frame.select(*cols).iter_rows()]


BUG = VoiceFilter(intents=("bug report",))
NEGATIVE = VoiceFilter(sentiments=("negative",))
HAPPY_REQUESTS = VoiceFilter(intents=("feature request",), sentiments=("positive", "neutral"))


def test_filter_dataclass_validates_and_describes() -> None:
    assert not VoiceFilter().active
    assert VoiceFilter.parse("feature request, bug report", "Negative") == VoiceFilter(
        ("feature request", "bug report"), ("negative",))
    assert VoiceFilter.parse(None, "") == VoiceFilter()
    assert BUG.describe() == "intent bug report"
    assert HAPPY_REQUESTS.describe() == "intent feature request · sentiment positive or neutral"
    with pytest.raises(UserLensError, match="Unknown sentiment 'angry'"):
        VoiceFilter(sentiments=("angry",))


def test_values_and_items(voice_ws) -> None:
    assert voice_values(voice_ws.con) == {"intent": ["feature request", "bug report", "praise"],
                                          "sentiment": ["negative", "positive", "neutral"]}
    assert voice_items(voice_ws.con)["feedback_id"].to_list() == ["F1", "F2", "F3", "F4", "F5", "F6"]
    assert voice_items(voice_ws.con, voice=BUG)["feedback_id"].to_list() == ["F4", "F6"]
    assert voice_items(voice_ws.con, voice=NEGATIVE)["feedback_id"].to_list() == ["F3", "F4", "F6"]
    assert voice_items(voice_ws.con, voice=HAPPY_REQUESTS)["feedback_id"].to_list() == ["F1", "F2"]


def test_theme_counts(voice_ws) -> None:
    con = voice_ws.con
    assert rows(theme_counts(con), "theme_id", "items", "users") == [(0, 3, 2), (1, 2, 1)]
    assert rows(theme_counts(con, voice=BUG), "theme_id", "items", "users") == [(1, 2, 1)]  # F6 has no user
    assert rows(theme_counts(con, voice=NEGATIVE), "theme_id", "items", "users") == [(1, 2, 1), (0, 1, 1)]
    assert rows(theme_counts(con, voice=HAPPY_REQUESTS), "theme_id", "items", "users") == [(0, 2, 2)]


def test_persona_counts(voice_ws) -> None:
    con = voice_ws.con
    assert rows(persona_counts(con), "name", "users", "items") == [("Night owls", 2, 3), ("Others", 2, 2)]
    assert rows(persona_counts(con, voice=BUG), "name", "users", "items") == [("Others", 1, 1)]
    assert rows(persona_counts(con, voice=NEGATIVE), "name", "users", "items") == [
        ("Night owls", 1, 1), ("Others", 1, 1)]
    assert rows(persona_counts(con, voice=HAPPY_REQUESTS), "name", "users", "items") == [("Night owls", 2, 2)]


def test_requirement_counts_and_ranking(voice_ws) -> None:
    con = voice_ws.con
    assert rows(requirement_counts(con), "req_id", "items", "users") == [("R1", 2, 1), ("R2", 1, 1)]
    assert rows(requirement_counts(con, voice=BUG), "req_id", "items", "users") == [("R1", 2, 1)]
    assert requirement_counts(con, voice=HAPPY_REQUESTS).is_empty()
    ranking = pl.DataFrame({"req_id": ["R2", "R1"], "rank": [1, 2], "score": [9.0, 3.0]})
    assert filter_ranking(ranking, requirement_counts(con), VoiceFilter()).equals(ranking)
    narrowed = filter_ranking(ranking, requirement_counts(con, voice=BUG), BUG)
    assert rows(narrowed, "req_id", "rank", "filtered_evidence", "filtered_users") == [("R1", 2, 2, 1)]
    praise = VoiceFilter(intents=("praise",))
    assert rows(filter_ranking(ranking, requirement_counts(con, voice=praise), praise), "req_id") == [("R2",)]


def test_proposals_are_filtered_accepted_and_ranked(voice_ws) -> None:
    from analytics.prioritise import prioritise
    from embeddings.proposals import accept_proposed, propose_requirements

    found = propose_requirements(voice_ws)  # theme 0: three feature requests, nothing linked
    assert rows(found, "theme_id", "evidence_count", "distinct_users", "personas") == [
        (0, 3, 2, ["Night owls"])]
    con = voice_ws.con
    assert latest_proposals(con).height == 1
    assert latest_proposals(con, voice=BUG).is_empty()  # no bug report among its requests
    assert latest_proposals(con, voice=NEGATIVE).height == 1  # F3
    assert latest_proposals(con, voice=VoiceFilter(intents=("praise",))).is_empty()

    req_id = accept_proposed(voice_ws, found["proposal_id"][0])
    assert latest_proposals(con, status="proposed").is_empty()
    assert rows(latest_proposals(con, status="accepted"), "req_id") == [(req_id,)]
    ranked = prioritise(con, method="rice")
    row = ranked.filter(pl.col("req_id") == req_id).row(0, named=True)
    assert row["reach"] == 2  # its distinct users (u1, u2)
    assert set(ranked["req_id"]) == {"R1", "R2", req_id}
    assert ranked["rank"].to_list() == list(range(1, 4))

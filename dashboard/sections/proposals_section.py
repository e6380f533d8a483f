"""Proposed requirements and the intent/sentiment filter of the Prioritisation page (issue 15).

Kept out of prioritise.py so the page's own ranking code stays as it is: the page calls
`voice_controls` (the filter), `narrow` (the ranking narrowed to requirements with evidence that
passes it) and `proposals_section` (feature-request themes no backlog item covers, each with one
click to accept it into the backlog, where it ranks like any other requirement with its evidence's
distinct users as reach).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics.voice_filter import VoiceFilter, filter_ranking
from dashboard import cache, ui
from dashboard.voice_ui import voice_filter
from embeddings.proposals import accept_proposed

ACCEPTED = "proposal-accepted"  # session state: the message shown once after an accept


def voice_controls() -> VoiceFilter:
    """The intent/sentiment filter of the page (keys ``prio-voice-intent`` / ``prio-voice-sentiment``)."""
    with st.expander("Filter by what users wrote (intent, sentiment)", icon=":material/filter_alt:",
                     expanded=bool(st.session_state.get("prio-voice-intent")
                                   or st.session_state.get("prio-voice-sentiment"))):
        voice = voice_filter("prio-voice")
        if voice.active:
            st.caption(f"Only requirements with linked feedback of {voice.describe()} are listed; rank and "
                       "score are those of the whole backlog; *filtered evidence* counts the matching items.")
    return voice


def narrow(frame: pl.DataFrame, voice: VoiceFilter) -> pl.DataFrame:
    """The ranking narrowed to requirements whose linked feedback passes `voice`."""
    if not voice.active:
        return frame
    return filter_ranking(frame, cache.read("requirement_counts", voice=voice), voice)


def accept(proposal_id: str) -> None:
    """Button callback: accept a proposal into the backlog."""
    with ui.errors():
        req_id = accept_proposed(cache.workspace(), proposal_id)
        st.session_state[ACCEPTED] = (f"Accepted {req_id} into the backlog: it is ranked above with the "
                                      "others.")


def card(row: dict, rank: dict[str, int]) -> None:
    """One proposal: title, description, evidence, personas, quotes and the accept button."""
    with st.container(border=True):
        top, button = st.columns([4, 1], vertical_alignment="center")
        top.markdown(f"**{ui.md_escape(row['title'])}** · `{row['proposal_id']}`")
        if row["status"] == "accepted":
            where = f" — ranked #{rank[row['req_id']]}" if row["req_id"] in rank else ""
            button.success(f"In the backlog as {row['req_id']}{where}", icon=":material/check:")
        else:
            button.button("Accept into backlog", key=f"accept-{row['proposal_id']}", type="primary",
                          icon=":material/playlist_add:", on_click=accept, args=(row["proposal_id"],),
                          width="stretch")
        st.caption(ui.md_escape(row["description"]))
        c = st.columns(3)
        c[0].metric("Feature requests", ui.fmt_int(row["evidence_count"]),
                    help="Items of the theme read as feature requests (its evidence).")
        c[1].metric("Distinct users", ui.fmt_int(row["distinct_users"]),
                    help="Their distinct user ids: the reach it gets when accepted.")
        c[2].metric("Personas", ui.fmt_int(len(row["personas"] or [])),
                    help="Personas of those users (latest persona run).")
        if row["personas"]:
            ui.chips(row["personas"])
        for q in (row["quotes"] or [])[:3]:
            ui.quote(q)


def proposals_section(voice: VoiceFilter, ranked: pl.DataFrame) -> None:
    """Proposed requirements of the latest themes run (narrowed by `voice`), with accept buttons."""
    st.subheader("Proposed requirements", anchor=False)
    st.caption("Feedback themes where users mostly ask for something new (intent *feature request*) and no "
               "backlog item is linked to their requests. Accepting one adds it to the backlog with reach = "
               "its distinct users; impact, confidence and effort use the documented defaults until you set "
               "them.")
    flash = st.session_state.pop(ACCEPTED, None)
    if flash:
        st.success(flash, icon=":material/playlist_add_check:")
    proposals = cache.read("proposals", voice=voice)
    if proposals.is_empty():
        st.info("No proposed requirements: every feature-request theme is covered by the backlog, or no "
                "themes have been found yet (Feedback themes → Find themes).", icon=":material/info:")
        return
    rank = dict(zip(ranked["req_id"].to_list(), ranked["rank"].to_list(), strict=True)) \
        if "rank" in ranked.columns else {}
    for row in proposals.iter_rows(named=True):
        card(row, rank)

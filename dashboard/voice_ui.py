"""The intent/sentiment filter widgets shared by the voice-of-the-user pages (the logic is
`analytics.voice_filter`; this module only turns two multiselects into a `VoiceFilter`)."""

from __future__ import annotations

import streamlit as st

from analytics.voice_filter import SENTIMENTS, VoiceFilter
from dashboard import cache


def voice_filter(key: str) -> VoiceFilter:
    """Two multiselects (intent, sentiment) keyed ``<key>-intent`` and ``<key>-sentiment``.

    Without an intents run the widgets are replaced by a one-line hint and the filter is inactive.
    """
    values = cache.read("voice_values")
    if not values["intent"]:
        st.caption("Filter by intent and sentiment once intents are read (Feedback themes → Intents and "
                   "sentiment).")
        return VoiceFilter()
    c1, c2 = st.columns(2)
    intents = c1.multiselect("Intent", values["intent"], key=f"{key}-intent", placeholder="All intents",
                             help="Keep feedback with these intents (latest intents run).")
    sentiments = c2.multiselect("Sentiment", list(SENTIMENTS), key=f"{key}-sentiment",
                                placeholder="All sentiments", help="Keep feedback with these sentiments.")
    return VoiceFilter(tuple(intents), tuple(sentiments))

"""The journey worth finding (issue 16): a help-article detour from the onboarding session.

Of the users who start onboarding, those who never complete their profile open the help article
(``help_article_viewed``) with probability ``story.HELP_P_STUCK``, those who do with ``HELP_P_DONE``.
The article is viewed in the onboarding session, 40 s to 6.5 min after ``onboarding_started``,
before the session's next event and on the same UTC day (so it adds no active day, week or return:
DAU, retention, lifecycle and the experiment read exactly as before), so for stuck users it is where
the session — and usually their journey — ends. The draws come from their own generator
(``default_rng([seed, story.HELP_STREAM])``) and the events are only *added*: every other event, and
the order of the existing rows, stays as the main simulation wrote it.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from sample_data import story

DAY = 86_400


def add_help_detours(ev: pl.DataFrame, seed: int) -> pl.DataFrame:
    """`ev` (u, event, ts, sess, integration, campaign; sorted by u, ts, event) plus the help views.

    Parameters
    ----------
    ev : polars.DataFrame
        The simulated event log of :func:`sample_data.behaviour.simulate_events`.
    seed : int
        The generator's seed; the detours draw from ``default_rng([seed, story.HELP_STREAM])``.

    Returns
    -------
    polars.DataFrame
        The same rows in the same order, with the help views inserted where their time puts them.
    """
    rng = np.random.default_rng([seed, story.HELP_STREAM])
    started = (ev.filter(pl.col("event") == "onboarding_started")
               .group_by("u").agg(pl.col("ts").min().alias("t_onb"), pl.col("sess").first()).sort("u"))
    done = (ev.filter(pl.col("event") == "profile_completed").select("u").unique()
            .with_columns(done=pl.lit(True)))
    cand = started.join(done, on="u", how="left").with_columns(pl.col("done").fill_null(False)).sort("u")
    # the next event of the same session after onboarding_started (the help view must come before it)
    nxt = (ev.join(cand.select("u", "sess", "t_onb"), on=["u", "sess"])
           .filter(pl.col("ts") > pl.col("t_onb")).group_by("u").agg(pl.col("ts").min().alias("t_next")))
    cand = cand.join(nxt, on="u", how="left").sort("u")
    draw = rng.random(cand.height)
    delay = rng.uniform(40, 400, cand.height).astype(np.int64)
    p = np.where(cand["done"].to_numpy(), story.HELP_P_DONE, story.HELP_P_STUCK)
    t_onb = cand["t_onb"].to_numpy()
    room = cand["t_next"].fill_null(np.iinfo(np.int64).max).to_numpy() - t_onb
    day_end = (t_onb // DAY + 1) * DAY - 1  # the last second of the UTC day: no new active day or week
    when = np.minimum(t_onb + np.minimum(delay, room // 2), day_end)
    keep = (draw < p) & (when > t_onb)
    help_rows = pl.DataFrame({
        "u": cand["u"].to_numpy()[keep], "event": story.HELP_EVENT, "ts": when[keep],
        "sess": cand["sess"].to_numpy()[keep], "integration": "", "campaign": "",
    }).cast(ev.schema)
    # a stable sort keeps the existing rows in their order; the new ones slot in by (u, ts, event)
    return pl.concat([ev, help_rows]).sort("u", "ts", "event", maintain_order=True)

"""An unmet request in the Tasklane feedback: time tracking, which no backlog item covers.

Feedback themes that are mostly feature requests and that no requirement is linked to become
**proposed requirements** (DESIGN §7); the demo needs one to show. These rows are drawn from their
own random stream (``default_rng([seed, STREAM])``) and appended after every other feedback row with
ids ``F8xxxx``, so no earlier draw, row or id of the sample changes.
"""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl

from sample_data.behaviour import DAY, Users

STREAM = 15  # issue 15: the random stream of these rows
PER_5000_USERS = 140
OPENERS = ["", "Feature request: ", "Small ask: ", "One thing missing: ", "Quick request: "]
REQUESTS = [
    "please add a built-in timer so I can log my hours.",
    "please add timesheets, logging billable hours is the one thing missing.",
    "I wish there was a simple timer button for freelancers who track their hours.",
    "please add time tracking, we bill clients by the hour.",
    "I wish I could track my working hours and get a weekly timesheet.",
    "it would be great if there was an option to start and stop a timer.",
    "please add a way to log billable hours per client.",
    "could you add time tracking? I want to see where my hours go.",
]
CLOSERS = ["", " Our agency needs this.", " I would pay more for it.",
           " That would save us a separate time tracker."]


def unmet_requests(seed: int, ids: np.ndarray, u: Users, days: int, texts_per_user: dict[str, int]
                   ) -> pl.DataFrame:
    """Time-tracking requests from users who wrote fewer than three texts, appended to the feedback.

    Returns
    -------
    polars.DataFrame
        feedback_id (F80001 ...), user_id, ts (seconds since the window start), text, rating,
        score_0_10 (null), channel.
    """
    rng = np.random.default_rng([seed, STREAM])
    combos = list(itertools.product(OPENERS, REQUESTS, CLOSERS))
    n = min(len(combos), max(8, round(PER_5000_USERS * len(ids) / 5000)))
    picked = [combos[i] for i in rng.choice(len(combos), n, replace=False)]
    text = [(o + r[:1].upper() + r[1:] if not o else o + r) + c for o, r, c in picked]
    free = np.array([i for i, uid in enumerate(ids) if texts_per_user.get(str(uid), 0) < 3])
    users = rng.choice(free, n, replace=False)
    lo = u.signup_s[users] + 600
    hi = np.minimum(u.last_active_s[users] + DAY, days * DAY - 60)
    return pl.DataFrame({
        "feedback_id": [f"F8{i + 1:04d}" for i in range(n)],
        "user_id": ids[users],
        "ts": rng.integers(lo, np.maximum(hi, lo + 60)),
        "text": text,
        "rating": rng.choice([3, 4, 4, 5, 5], n),
        "score_0_10": pl.Series([None] * n, dtype=pl.Int64),
        "channel": np.asarray(["in-app", "survey", "app-store"], dtype=object)[
            rng.choice(3, n, p=[0.5, 0.3, 0.2])],
    }, schema_overrides={"user_id": pl.String})

"""Feedback texts with ratings, NPS and channels, composed from the persona vocabularies in texts.py.

Counts, channels, ratings and timestamps are drawn with numpy for all users at once; the texts are
then assembled one by one (a few thousand string joins) from templates and synonyms, retrying until
each composed text is unique.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import polars as pl

from sample_data import story, texts
from sample_data.behaviour import DAY, Users, day_index

CHANNELS = ["in-app", "app-store", "support", "survey"]
_CHANNEL_MIX = {
    "solo_planner": [0.40, 0.30, 0.10, 0.20],
    "team_lead": [0.45, 0.10, 0.20, 0.25],
    "integrator": [0.40, 0.10, 0.25, 0.25],
    "casual_churner": [0.25, 0.45, 0.15, 0.15],
    "enterprise_admin": [0.20, 0.02, 0.48, 0.30],
}
_TEXTS_PER_USER = {"solo_planner": 0.74, "team_lead": 0.84, "integrator": 0.92, "casual_churner": 0.58,
                   "enterprise_admin": 0.95}
_SLOT = re.compile(r"\{(\w+)\}")


def _fill(rng: np.random.Generator, template: str) -> str:
    """Replace each {slot} with a random synonym (the same one on repeats); capitalise the first letter."""
    chosen: dict[str, str] = {}  # one value per slot name within a sentence ("Jira ... Jira")

    def value(m: re.Match) -> str:
        name = m.group(1)
        if name not in chosen:
            chosen[name] = texts.SLOTS[name][rng.integers(len(texts.SLOTS[name]))]
        return chosen[name]

    text = _SLOT.sub(value, template)
    return text[:1].upper() + text[1:]


def _pick(rng: np.random.Generator, items: list) -> object:
    return items[rng.integers(len(items))]


def _persona_text(rng: np.random.Generator, persona: str, first: int, rating: int) -> str:
    """A text in the persona's words about topic `first`; the opener follows the rating."""
    topics = texts.PERSONA_TOPICS[persona]
    parts = []
    if rng.random() < 0.5:
        mood = "low" if rating <= 2 else "high" if rating >= 4 else "mid"
        parts.append(_fill(rng, _pick(rng, texts.OPENERS[mood])))
    parts.append(_fill(rng, _pick(rng, topics[first][3])))
    if rng.random() < 0.4:
        w = np.array([t[1] for t in topics], dtype=float)
        w[first] = 0
        parts.append(_fill(rng, _pick(rng, topics[rng.choice(len(topics), p=w / w.sum())][3])))
    if rng.random() < 0.25:
        parts.append(_pick(rng, texts.CLOSERS))
    return " ".join(p for p in parts if p)


def simulate_feedback(rng: np.random.Generator, u: Users, ids: np.ndarray, days: int,
                      start: date) -> pl.DataFrame:
    """Feedback rows: feedback_id, user_id, timestamp (s), text, rating, score_0_10, channel."""
    n_users = len(u.persona)
    lam = np.array([_TEXTS_PER_USER[p] for p in story.PERSONAS])[u.persona]
    lam = lam * np.clip(0.55 + 0.12 * np.log1p(u.active_days), 0.5, 1.6)
    count = np.minimum(rng.poisson(lam), 3)
    f_user = np.repeat(np.arange(n_users), count)
    n = len(f_user)
    pers = u.persona[f_user]
    lo = u.signup_s[f_user] + 600
    hi = np.maximum(np.minimum(u.last_active_s[f_user] + 2 * DAY, days * DAY - 60), lo + 60)
    ts = rng.integers(lo, hi)
    channel = np.empty(n, dtype=object)
    for k, name in enumerate(story.PERSONAS):
        m = pers == k
        channel[m] = np.asarray(CHANNELS, dtype=object)[rng.choice(4, m.sum(), p=_CHANNEL_MIX[name])]
    base = np.array([texts.PERSONA_BASE_RATING[p] for p in story.PERSONAS])[pers]
    noise = rng.normal(0, 0.8, n)
    kind = rng.choice(3, n, p=[0.86, 0.07, 0.07])  # persona text, short noise, bug report
    sync_lo = day_index(story.SYNC_INCIDENT[0], start) * DAY
    sync_hi = (day_index(story.SYNC_INCIDENT[1], start) + 1) * DAY
    price_at = day_index(story.PRICE_CHANGE, start) * DAY
    rows_text, rows_rating, seen = [], [], set()
    for i in range(n):
        persona = story.PERSONAS[pers[i]]
        for _attempt in range(12):
            if kind[i] == 1:
                rating = int(rng.choice([3, 4, 5, 5]))
                text, topic = _pick(rng, texts.NOISE_SHORT), "short"
                break
            if kind[i] == 2:
                rating = int(rng.choice([1, 1, 2, 2, 3]))
                text, topic = _fill(rng, _pick(rng, texts.BUG_REPORTS)), "bug"
            else:
                topics = texts.PERSONA_TOPICS[persona]
                w = np.array([t[1] for t in topics], dtype=float)
                first = int(rng.choice(len(topics), p=w / w.sum()))
                topic = topics[first][0]
                rating = int(np.clip(np.rint(base[i] + topics[first][2] + noise[i]), 1, 5))
                text = _persona_text(rng, persona, first, rating)
            if text not in seen:
                break
        seen.add(text)
        if topic == "bug" and "sync" in text.lower() and rng.random() < 0.4 and lo[i] < sync_hi:
            ts[i] = rng.integers(max(lo[i], sync_lo), sync_hi)
        if topic == "pricing" and ts[i] < price_at:
            ts[i] = rng.integers(price_at, days * DAY - 60) if price_at < days * DAY - 60 else ts[i]
        rows_text.append(text)
        rows_rating.append(rating)
    rating = np.array(rows_rating, dtype=float)
    # Support tickets mostly carry no rating; NPS on surveys and a third of in-app prompts.
    no_rating = (channel == "support") & (rng.random(n) < 0.7)
    rating[no_rating] = np.nan
    has_nps = (channel == "survey") | ((channel == "in-app") & (rng.random(n) < 0.33))
    basis = np.where(np.isnan(rating), base, rating)
    nps = np.where(has_nps, np.clip(np.rint(2.3 * basis - 1.6 + rng.normal(0, 1.1, n)), 0, 10), np.nan)
    df = pl.DataFrame({"user_id": ids[f_user], "ts": ts, "text": rows_text, "rating": rating,
                       "score_0_10": nps, "channel": channel.astype(str)},
                      schema_overrides={"user_id": pl.String})
    df = pl.concat([df, _extras(rng, ids, u, days)], how="vertical_relaxed")
    df = df.with_columns(pl.col("rating", "score_0_10").fill_nan(None)).sort("ts", "text")
    fid = pl.format("F{}", pl.col("n").cast(pl.String).str.zfill(5)).alias("feedback_id")
    return df.with_row_index("n", offset=1).select(fid, *df.columns)


def _extras(rng: np.random.Generator, ids: np.ndarray, u: Users, days: int) -> pl.DataFrame:
    """Texts with contact details (to show redaction), Chinese texts, and anonymous store reviews."""
    n_users = len(ids)
    cn = np.nonzero(u.country == "CN")[0]
    n_zh = max(2, round(20 * n_users / 5000))
    zh_users = rng.choice(cn, n_zh, replace=True) if len(cn) else rng.choice(n_users, n_zh)
    suffix = ["", "谢谢。", "希望尽快改进。", "总体还不错。", "请尽快修复。", "期待新版本。"]
    zh, seen = [], set()
    for _ in range(n_zh):
        for _attempt in range(20):
            t = _pick(rng, texts.CHINESE_TEXTS) + _pick(rng, suffix)
            if t not in seen:
                break
        seen.add(t)
        zh.append(t)
    pii_users = rng.choice(n_users, len(texts.PII_TEXTS), replace=False)
    n_anon = max(3, round(60 * n_users / 5000))
    anon_text = [f"{_pick(rng, ['Good app', 'Okay app', 'Not for me', 'Solid to-do app', 'Too pricey'])}"
                 f", {_pick(rng, ['installed', 'tried it', 'used it'])} "
                 f"{rng.integers(2, 90)} days ago." for _ in range(n_anon)]
    user_rows = np.concatenate([zh_users, pii_users])

    def when(users: np.ndarray) -> np.ndarray:
        lo = u.signup_s[users] + 600
        hi = np.minimum(u.last_active_s[users] + DAY, days * DAY - 60)
        return rng.integers(lo, np.maximum(hi, lo + 60))

    return pl.DataFrame({
        "user_id": [*ids[user_rows], *([None] * n_anon)],
        "ts": np.concatenate([when(user_rows), rng.integers(0, days * DAY - 60, n_anon)]),
        "text": [*zh, *texts.PII_TEXTS, *anon_text],
        "rating": np.concatenate([rng.integers(2, 6, n_zh), [2, 3, 2, 1],
                                  rng.integers(1, 6, n_anon)]).astype(float),
        "score_0_10": np.full(n_zh + len(texts.PII_TEXTS) + n_anon, np.nan),
        "channel": ["in-app"] * n_zh + ["support"] * len(texts.PII_TEXTS) + ["app-store"] * n_anon,
    }, schema_overrides={"user_id": pl.String})

"""Users and their event log, simulated with numpy (vectorised over users, days, sessions, events).

Time is handled as integer seconds since the start of the window (00:00 UTC of the first day);
``generate.py`` turns it into ISO-8601 UTC text. Each user belongs to one persona (story.py) that
sets their plan, platform, funnel odds, churn, activity rhythm and event mix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from sample_data import story

DAY = 86_400
HOUR = 3_600
# Local hour-of-day mixtures (mean, sd, weight) for work-style and phone-style personas.
_WORK_HOURS = np.array([[10.0, 1.6, 0.45], [14.5, 1.8, 0.45], [20.0, 1.5, 0.10]])
_PHONE_HOURS = np.array([[7.6, 1.0, 0.30], [12.6, 1.4, 0.25], [20.6, 1.6, 0.45]])
_PHONE_PERSONAS = {"solo_planner", "casual_churner"}


@dataclass
class Users:
    """Per-user arrays (index i is user i)."""

    persona: np.ndarray  # int index into story.PERSONAS
    plan: np.ndarray  # str
    platform: np.ndarray
    country: np.ndarray
    offset_s: np.ndarray  # local - UTC, seconds
    variant: np.ndarray  # "A" / "B"
    seats: np.ndarray
    signup_s: np.ndarray  # seconds since window start (UTC)
    last_active_s: np.ndarray  # filled by simulate_events
    active_days: np.ndarray  # filled by simulate_events

    @property
    def ids(self) -> np.ndarray:
        return np.array([f"u{i + 1:05d}" for i in range(len(self.persona))])


def _by_persona(rng: np.random.Generator, persona: np.ndarray, table: dict, choices: list) -> np.ndarray:
    """Draw one of `choices` per user with the persona's probabilities."""
    out = np.empty(len(persona), dtype=object)
    for k, name in enumerate(story.PERSONAS):
        mask = persona == k
        out[mask] = np.asarray(choices, dtype=object)[rng.choice(len(choices), mask.sum(), p=table[name])]
    return out


def _local_hours(rng: np.random.Generator, persona: np.ndarray) -> np.ndarray:
    """A local hour of day (float) per row, from the persona's daily rhythm."""
    phone = np.isin(persona, [story.PERSONAS.index(p) for p in _PHONE_PERSONAS])
    comp = np.where(phone, 1, 0)
    pick_w = rng.choice(3, len(persona), p=_WORK_HOURS[:, 2])
    pick_p = rng.choice(3, len(persona), p=_PHONE_HOURS[:, 2])
    mean = np.where(comp == 1, _PHONE_HOURS[pick_p, 0], _WORK_HOURS[pick_w, 0])
    sd = np.where(comp == 1, _PHONE_HOURS[pick_p, 1], _WORK_HOURS[pick_w, 1])
    return np.clip(rng.normal(mean, sd), 5.5, 23.9)


def day_index(d: date, start: date) -> int:
    """Days from the window start to `d`."""
    return (d - start).days


def simulate_users(rng: np.random.Generator, n: int, days: int, start: date) -> Users:
    """Draw `n` users with personas, attributes and signup times (growth with an August dip)."""
    t = np.arange(days)
    growth = 0.55 + 0.9 * t / max(days - 1, 1)
    dip_at = day_index(story.PRICE_CHANGE, start)
    dip = np.where((t >= dip_at) & (t < dip_at + 28), 0.62, 1.0)
    recover = (t >= dip_at + 28) & (t < dip_at + 42)
    dip = np.where(recover, 0.62 + 0.38 * (t - dip_at - 28) / 14, dip)
    dow = (np.array([start.weekday()]) + t) % 7
    weekday = np.where(dow < 5, 1.0, np.where(dow == 5, 0.68, 0.74))
    w = growth * dip * weekday
    signup_day = np.sort(rng.choice(days, n, p=w / w.sum()))
    persona = rng.choice(len(story.PERSONAS), n, p=story.PERSONA_SHARE)
    country = _by_persona(rng, persona, story.COUNTRY_MIX, story.COUNTRIES)
    offsets = dict(zip(story.COUNTRIES, story.COUNTRY_UTC_OFFSET_H, strict=True))
    offset_s = (np.array([offsets[c] for c in country]) * HOUR).astype(np.int64)
    local = _local_hours(rng, persona)
    signup_s = signup_day * DAY + (local * HOUR).astype(np.int64) - offset_s
    signup_s = np.clip(signup_s, 60, days * DAY - 4 * HOUR)
    lo = np.array([story.SEATS_RANGE[p][0] for p in story.PERSONAS])[persona]
    hi = np.array([story.SEATS_RANGE[p][1] for p in story.PERSONAS])[persona]
    seats = np.round(np.exp(rng.uniform(np.log(lo), np.log(hi) + 1e-9))).astype(np.int64)
    return Users(
        persona=persona,
        plan=_by_persona(rng, persona, story.PLAN_MIX, story.PLANS),
        platform=_by_persona(rng, persona, story.PLATFORM_MIX, story.PLATFORMS),
        country=country, offset_s=offset_s,
        variant=np.where(rng.random(n) < 0.5, "A", "B"),
        seats=seats, signup_s=signup_s,
        last_active_s=signup_s.copy(), active_days=np.ones(n, dtype=np.int64),
    )


def _persona_param(table: dict, persona: np.ndarray) -> np.ndarray:
    return np.array([table[p] for p in story.PERSONAS], dtype=float)[persona]


def _onboarding(rng: np.random.Generator, u: Users) -> tuple[pl.DataFrame, np.ndarray]:
    """Funnel events from signup; returns (events, activated mask)."""
    n = len(u.persona)
    p = np.array([story.FUNNEL_P[name] for name in story.PERSONAS])[u.persona]
    p[:, 2] += np.where(u.variant == "B", story.VARIANT_B_LIFT, 0.0)
    reached = np.cumprod(rng.random((n, p.shape[1])) < p, axis=1).astype(bool)
    # Delay of each step after the previous one: minutes, sometimes days (invites often later).
    delay = rng.lognormal(np.log(100), 0.8, (n, p.shape[1]))
    late = rng.random((n, p.shape[1])) < np.array([0.02, 0.08, 0.14, 0.06, 0.40])
    delay += late * rng.uniform(0.2, 5.0, (n, p.shape[1])) * DAY
    ts = u.signup_s[:, None] + np.cumsum(delay, axis=1).astype(np.int64)
    own_session = (ts - u.signup_s[:, None]) > HOUR
    rows_u = np.concatenate([np.arange(n), np.nonzero(reached)[0]])
    step = np.concatenate([np.zeros(n, dtype=np.int64), np.nonzero(reached)[1] + 1])
    when = np.concatenate([u.signup_s, ts[reached]])
    sess = np.concatenate([u.signup_s, np.where(own_session, ts - 5, u.signup_s[:, None])[reached]])
    funnel = np.asarray(story.FUNNEL, dtype=object)
    ev = pl.DataFrame({"u": rows_u, "event": funnel[step], "ts": when, "sess": sess})
    opens = ev.filter(pl.col("ts") - pl.col("sess") == 5).with_columns(
        event=pl.lit("app_open"), ts=pl.col("sess"))
    first_open = pl.DataFrame({"u": np.arange(n), "event": "app_open", "ts": u.signup_s - 20,
                               "sess": u.signup_s})
    return pl.concat([first_open, ev, opens]), reached[:, 3]


def _spans(rng: np.random.Generator, u: Users, activated: np.ndarray, days: int,
           start: date) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Active spans (user, first day, last day, campaign of the span's first session)."""
    n = len(u.persona)
    sday = u.signup_s // DAY
    early = rng.random(n) < _persona_param(story.EARLY_CHURN, u.persona)
    life = np.where(early, rng.uniform(3, 21, n),
                    21 + rng.exponential(_persona_param(story.LONG_LIFE_DAYS, u.persona)))
    life = np.where(activated, life, rng.uniform(0, 7, n))
    end1 = np.minimum(sday + life.astype(np.int64), days - 1)
    emails = sorted((day_index(d, start), name) for d, name in story.PRODUCT_EMAILS.items()
                    if 0 <= day_index(d, start) < days)
    # First product email at least 14 days after the user went quiet.
    email_day = np.full(n, -1)
    campaign = np.full(n, "", dtype=object)
    for d, name in reversed(emails):
        ok = end1 + 14 <= d
        email_day = np.where(ok, d, email_day)
        campaign = np.where(ok, name, campaign)
    p_back = _persona_param(story.REACTIVATION_P, u.persona) * np.where(activated, 1.0, 0.4)
    back = (email_day >= 0) & (rng.random(n) < p_back)
    start2 = email_day + rng.geometric(0.55, n) - 1
    end2 = np.minimum(start2 + 3 + rng.exponential(28, n).astype(np.int64), days - 1)
    back &= start2 < days
    users = np.concatenate([np.arange(n), np.nonzero(back)[0]])
    first = np.concatenate([sday, start2[back]])
    last = np.concatenate([end1, end2[back]])
    camp = np.concatenate([np.full(n, "", dtype=object), campaign[back]])
    return users, first, last, camp


def simulate_events(rng: np.random.Generator, u: Users, days: int, start: date) -> pl.DataFrame:
    """The event log: onboarding funnel, daily sessions in active spans, subscriptions.

    Returns columns u (user index), event, ts (s), sess (session start s), integration, campaign;
    fills ``u.last_active_s`` and ``u.active_days``.
    """
    onboarding, activated = _onboarding(rng, u)
    u.plan = np.where(activated, u.plan, "free")
    span_u, first, last, camp = _spans(rng, u, activated, days, start)
    length = last - first + 1
    ud_user = np.repeat(span_u, length)
    ud_day = np.repeat(first, length) + (np.arange(length.sum()) - np.repeat(np.cumsum(length) - length,
                                                                             length))
    ud_first = ud_day == np.repeat(first, length)
    ud_camp = np.where(ud_first, np.repeat(camp, length), "")
    pers = u.persona[ud_user]
    dow = (start.weekday() + ud_day) % 7
    weekday = np.array([story.WEEKDAY_FACTOR[p] for p in story.PERSONAS])[pers, dow]
    age = ud_day - u.signup_s[ud_user] // DAY
    p_active = (_persona_param(story.DAILY_ACTIVE_P, pers) * weekday * (0.55 + 0.45 * np.exp(-age / 75))
                * np.where(activated[ud_user], 1.0, 0.45))
    active = (rng.random(len(ud_user)) < p_active) | (ud_camp != "")
    a_user, a_day, a_camp = ud_user[active], ud_day[active], ud_camp[active]
    # Sessions per active day, then events per session.
    n_sess = 1 + rng.poisson(_persona_param(story.SESSIONS_EXTRA, u.persona[a_user]))
    s_user = np.repeat(a_user, n_sess)
    s_camp = np.where(np.arange(n_sess.sum()) == np.repeat(np.cumsum(n_sess) - n_sess, n_sess),
                      np.repeat(a_camp, n_sess), "")
    s_pers = u.persona[s_user]
    s_start = (np.repeat(a_day, n_sess) * DAY + (_local_hours(rng, s_pers) * HOUR).astype(np.int64)
               - u.offset_s[s_user])
    n_ev = 1 + rng.poisson(_persona_param(story.EVENTS_PER_SESSION, s_pers))
    e_sess = np.repeat(np.arange(len(s_user)), n_ev)
    e_pos = np.arange(n_ev.sum()) - np.repeat(np.cumsum(n_ev) - n_ev, n_ev)
    gaps = rng.exponential(75, len(e_sess)).astype(np.int64) + 3
    cum = np.cumsum(gaps)
    offset = cum - np.repeat(cum[np.cumsum(n_ev) - n_ev], n_ev)
    mix = np.array([story.EVENT_MIX[p] for p in story.PERSONAS])
    mix = mix / mix.sum(axis=1, keepdims=True)
    e_pers = s_pers[e_sess]
    draw = (rng.random(len(e_sess))[:, None] > np.cumsum(mix[e_pers], axis=1)).sum(axis=1)
    acts = np.asarray(story.ACTIVITY_EVENTS, dtype=object)[np.minimum(draw, len(mix[0]) - 1)]
    # Users who never finished onboarding only look around (open, search) before they leave.
    browse = ~activated[s_user[e_sess]] & (acts != "search")
    keep = (e_pos == 0) | ~browse
    e_sess, e_pos, offset, acts = e_sess[keep], e_pos[keep], offset[keep], acts[keep]
    event = np.where(e_pos == 0, "app_open", acts)
    integ = np.asarray(story.INTEGRATIONS, dtype=object)[
        rng.choice(len(story.INTEGRATIONS), len(e_sess), p=[0.3, 0.25, 0.2, 0.15, 0.1])]
    sessions = pl.DataFrame({
        "u": s_user[e_sess], "event": event, "ts": s_start[e_sess] + offset, "sess": s_start[e_sess],
        "integration": np.where(event == "integration_connected", integ, ""),
        "campaign": np.where(e_pos == 0, s_camp[e_sess], ""),
    })
    onboarding = onboarding.with_columns(integration=pl.lit(""), campaign=pl.lit(""))
    ev = pl.concat([onboarding, sessions])
    ev = ev.filter((pl.col("ts") >= 0) & (pl.col("ts") < days * DAY))
    ev = ev.join(pl.DataFrame({"u": np.arange(len(u.persona)), "signup": u.signup_s}), on="u")
    ev = ev.filter(pl.col("ts") >= pl.col("signup") - 20).drop("signup")
    ev = pl.concat([ev, _subscriptions(rng, u, ev)])
    stats = ev.group_by("u").agg(last=pl.col("ts").max(), days=(pl.col("ts") // DAY).n_unique())
    idx = stats["u"].to_numpy()
    u.last_active_s[idx] = stats["last"].to_numpy()
    u.active_days[idx] = stats["days"].to_numpy()
    return ev.sort("u", "ts", "event")


def _subscriptions(rng: np.random.Generator, u: Users, ev: pl.DataFrame) -> pl.DataFrame:
    """One subscription_started per paid user, inside one of their sessions in the first 30 days."""
    paid = pl.DataFrame({"u": np.arange(len(u.plan)), "paid": u.plan != "free",
                         "signup": u.signup_s})
    cand = (ev.join(paid, on="u").filter(pl.col("paid") & (pl.col("event") != "signup")
                                         & (pl.col("ts") < pl.col("signup") + 30 * DAY))
            .sort("u", "ts", "event"))
    cand = cand.with_columns(key=pl.Series(rng.random(cand.height)))
    pick = cand.sort("u", "key").group_by("u", maintain_order=True).first()
    return pick.select("u", event=pl.lit("subscription_started"), ts=pl.col("ts") + 15, sess="sess",
                       integration=pl.lit(""), campaign=pl.lit(""))

"""The Kano survey (wide export) and the requirements backlog.

Each respondent holds one Kano category per feature, drawn from the feature's shares in story.py
(shifted for the respondent's persona); the answer pair is then drawn among the cells of the
standard evaluation table that give that category, and written in survey wording.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from sample_data import story
from sample_data.behaviour import Users

# Answer codes: 1 like, 2 must-be (expect), 3 neutral, 4 live-with (tolerate), 5 dislike.
WORDING = {1: "I like it", 2: "I expect it", 3: "I am neutral", 4: "I can tolerate it", 5: "I dislike it"}
WORDING_ALT = {1: "I like it that way", 4: "I can live with it that way", 5: "I dislike it that way"}
# (functional, dysfunctional) cells and their weights per category (standard table, DESIGN §5).
_CELLS = {
    "A": ([(1, 2), (1, 3), (1, 4)], [0.25, 0.55, 0.20]),
    "O": ([(1, 5)], [1.0]),
    "M": ([(2, 5), (3, 5), (4, 5)], [0.45, 0.35, 0.20]),
    "I": ([(3, 3), (2, 3), (3, 4), (4, 3), (3, 2), (4, 4)], [0.50, 0.12, 0.14, 0.10, 0.08, 0.06]),
    "R": ([(5, 3), (5, 1), (3, 1), (5, 4)], [0.40, 0.25, 0.20, 0.15]),
}
_IMPORTANCE_MEAN = {"A": 6.0, "O": 7.4, "M": 8.0, "I": 3.4, "R": 2.0}
_IMPORTANCE_LABEL = {1: "1 - Not at all important", 5: "5 - Moderately important",
                     9: "9 - Extremely important"}
RESPONDENTS = 200


def simulate_kano(rng: np.random.Generator, u: Users, ids: np.ndarray) -> pl.DataFrame:
    """Wide survey export: respondent_id, user_id, plan, then three columns per feature."""
    n = RESPONDENTS
    # 70 % answered in the app (linked to a user, engaged users more likely); the rest came
    # from a research panel (no user id).
    n_linked = min(round(0.7 * n), len(ids))
    w = u.active_days.astype(float) + 1.0
    linked = rng.choice(len(ids), n_linked, replace=False, p=w / w.sum())
    panel_persona = rng.choice(len(story.PERSONAS), n - n_linked, p=story.PERSONA_SHARE)
    persona = np.concatenate([u.persona[linked], panel_persona])
    panel_plan = np.asarray(story.PLANS, dtype=object)[rng.choice(3, n - n_linked, p=[0.5, 0.3, 0.2])]
    order = rng.permutation(n)
    persona = persona[order]
    user_id = np.concatenate([ids[linked], np.full(n - n_linked, None, dtype=object)])[order]
    plan = np.concatenate([u.plan[linked], panel_plan])[order]
    cols: dict[str, object] = {
        "respondent_id": [f"K{i + 1:03d}" for i in range(n)],
        "user_id": pl.Series(user_id.tolist(), dtype=pl.String),
        "plan": plan.astype(str),
    }
    cats = np.asarray(story.KANO_CATEGORIES)
    for feature, shares in story.KANO_FEATURES.items():
        p = np.tile(np.asarray(shares, dtype=float), (n, 1))
        for (feat, pname), (cat, extra) in story.KANO_SEGMENT_SHIFT.items():
            if feat == feature:
                p[persona == story.PERSONAS.index(pname), story.KANO_CATEGORIES.index(cat)] += extra
        p /= p.sum(axis=1, keepdims=True)
        category = cats[(rng.random(n)[:, None] > np.cumsum(p, axis=1)).sum(axis=1).clip(max=len(cats) - 1)]
        func = np.empty(n, dtype=np.int64)
        dysf = np.empty(n, dtype=np.int64)
        for cat, (cells, weights) in _CELLS.items():
            m = category == cat
            pick = np.asarray(cells)[rng.choice(len(cells), m.sum(), p=weights)]
            func[m], dysf[m] = pick[:, 0], pick[:, 1]
        # Careless answers: the same extreme answer to both questions (questionable).
        careless = rng.random(n) < 0.02
        func[careless] = dysf[careless] = rng.choice([1, 5], careless.sum())
        imp = np.clip(np.rint(rng.normal([_IMPORTANCE_MEAN[c] for c in category], 1.2)), 1, 9).astype(int)
        cols[f"{feature}_functional"] = _words(rng, func)
        cols[f"{feature}_dysfunctional"] = _words(rng, dysf)
        cols[f"{feature}_importance"] = [
            None if skip else _IMPORTANCE_LABEL.get(int(v), str(int(v)))
            for v, skip in zip(imp, rng.random(n) < 0.03, strict=True)]
    return pl.DataFrame(cols)


def _words(rng: np.random.Generator, codes: np.ndarray) -> list[str]:
    """Survey wording for answer codes; one answer in ten uses the long "... that way" form."""
    alt = rng.random(len(codes)) < 0.1
    return [WORDING_ALT[c] if a and c in WORDING_ALT else WORDING[c]
            for c, a in zip(codes.tolist(), alt, strict=True)]


def backlog_frame() -> pl.DataFrame:
    """The requirements backlog (blanks stay blank: they show the flagged-default path)."""
    rows = []
    for i, (title, desc, feature, reach, impact, conf, effort, bv, tc, rr) in enumerate(story.BACKLOG):
        rows.append({
            "req_id": f"R{i + 1:02d}", "title": title, "description": desc,
            "kano_feature": feature or None, "reach": reach, "impact": impact, "confidence": conf,
            "effort": effort,
            "cost": None if effort is None else int(effort * story.COST_PER_PERSON_MONTH),
            "business_value": bv, "time_criticality": tc, "risk_reduction": rr,
        })
    schema = {c: pl.String for c in ("req_id", "title", "description", "kano_feature")}
    schema |= {c: pl.Float64 for c in story.REQ_COLUMNS[4:]}
    return pl.DataFrame(rows, schema=schema)

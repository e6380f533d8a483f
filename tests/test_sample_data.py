"""The sample generator: determinism, sizes, and the story the bundled data must tell."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

from analytics.kano_answers import answer_code, importance_value
from sample_data import story
from sample_data.generate import BAD_EVENT_ROWS, BAD_FEEDBACK_ROWS, DATA_DIR, FILES, generate

BUNDLED = {kind: DATA_DIR / name for kind, name in FILES.items()}
# Standard Kano table (DESIGN §5), rows functional 1..5, columns dysfunctional 1..5.
KANO_TABLE = ["QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ"]


def _csv(kind: str, folder: Path | None = None) -> pl.DataFrame:
    path = (folder / FILES[kind]) if folder else BUNDLED[kind]
    return pl.read_csv(path, infer_schema=False)


@pytest.fixture(scope="module")
def events() -> pl.DataFrame:
    """The bundled events with parsed times (the deliberately bad rows dropped)."""
    return (_csv("events")
            .with_columns(ts=pl.col("timestamp").str.to_datetime("%Y-%m-%dT%H:%M:%SZ", strict=False))
            .filter(pl.col("user_id").is_not_null() & pl.col("ts").is_not_null()))


def test_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(sample_data_dir, tmp_path):
    again = generate(tmp_path / "again", users=600, seed=7)
    other = generate(tmp_path / "other", users=600, seed=8)
    for kind, path in again.items():
        assert path.read_bytes() == (sample_data_dir / FILES[kind]).read_bytes(), kind
    for kind in ("events", "users", "feedback", "kano"):
        assert other[kind].read_bytes() != again[kind].read_bytes(), kind


def test_bundled_files_are_what_the_generator_writes(tmp_path):
    fresh = generate(tmp_path, users=5000, seed=7, days=184)
    for kind, path in fresh.items():
        assert path.read_bytes() == BUNDLED[kind].read_bytes(), f"{kind}: run python -m sample_data.generate"


def test_bundled_sizes(events):
    assert sum(p.stat().st_size for p in BUNDLED.values()) < 15e6
    users = _csv("users")
    assert users.height == 5000 and users["user_id"].n_unique() == 5000
    assert 250_000 <= events.height <= 350_000
    assert events["ts"].min().date().isoformat() == "2026-05-01"
    assert events["ts"].max().date().isoformat() == "2026-10-31"
    assert 2_700 <= _csv("feedback").height <= 3_300
    assert _csv("kano").height == 200
    assert _csv("requirements").height == 25


def test_funnel_is_monotone_with_realistic_drop_off(events):
    firsts = events.group_by("user_id", "event").agg(pl.col("ts").min())
    step_at = {step: firsts.filter(pl.col("event") == step).select("user_id", pl.col("ts").alias(step))
               for step in story.FUNNEL}
    reached = step_at["signup"]
    counts = [reached.height]
    for prev, step in zip(story.FUNNEL, story.FUNNEL[1:], strict=False):
        # ordered: the step's first time on or after the previous step's
        reached = reached.join(step_at[step], on="user_id").filter(pl.col(step) >= pl.col(prev))
        counts.append(reached.height)
    assert all(a >= b for a, b in zip(counts, counts[1:], strict=False)), counts
    assert counts[0] == 5000
    assert 0.40 <= counts[4] / counts[0] <= 0.65  # activation (first task)
    assert 0.20 <= counts[5] / counts[0] <= 0.45  # invited a teammate


def test_checklist_variant_b_activates_a_few_points_more(events):
    users = _csv("users").join(
        events.filter(pl.col("event") == "task_created").select("user_id").unique()
        .with_columns(active=pl.lit(1)), on="user_id", how="left")
    rate = users.group_by("variant").agg(pl.col("active").fill_null(0).mean()).sort("variant")
    a, b = rate["active"].to_list()
    assert 0.02 <= b - a <= 0.09


def test_weekday_heavy_churn_and_reactivation(events):
    dow = events.group_by(pl.col("ts").dt.weekday().alias("d")).len().sort("d")["len"].to_list()
    assert min(dow[:5]) > 1.8 * max(dow[5:])
    truth = _csv("persona_truth")
    week = (events.join(_csv("users").select("user_id", pl.col("signup_ts").str.to_datetime(
        "%Y-%m-%dT%H:%M:%SZ")), on="user_id")
        .with_columns(week=((pl.col("ts") - pl.col("signup_ts")).dt.total_days() // 7)))
    back = (week.filter(pl.col("week") == 1).select("user_id").unique()
            .join(truth, on="user_id").group_by("persona").len())
    w1 = dict(zip(back["persona"], back["len"], strict=True))
    size = dict(zip(*truth.group_by("persona").len().to_dict().values(), strict=True))
    rate = {p: w1[p] / size[p] for p in story.PERSONAS}
    assert min(rate, key=rate.get) == "casual_churner" and rate["casual_churner"] < 0.25
    assert all(0.35 < rate[p] < 0.70 for p in story.PERSONAS if p != "casual_churner")
    campaigns = events.filter(pl.col("campaign").is_not_null())["campaign"].unique().sort().to_list()
    assert campaigns == sorted(story.PRODUCT_EMAILS.values())


def test_kano_wide_export_gives_the_designed_categories():
    kano = _csv("kano")
    parts = [c for c in kano.columns if c.endswith(("_functional", "_dysfunctional", "_importance"))]
    assert len(parts) == 30 and kano.columns[:3] == ["respondent_id", "user_id", "plan"]
    assert 100 <= kano["user_id"].drop_nulls().n_unique() <= 160
    expected = {"Reliable sync": "M", "Data export": "M", "Two-factor login": "M", "Fast search": "O",
                "Calendar integration": "O", "Offline mode": "O", "AI task suggestions": "A",
                "Workload view": "A", "Custom themes": "I", "Gamification badges": "I"}
    for feature, category in expected.items():
        func = [answer_code(a) for a in kano[f"{feature}_functional"]]
        dysf = [answer_code(a) for a in kano[f"{feature}_dysfunctional"]]
        assert None not in func and None not in dysf
        cats = [KANO_TABLE[f - 1][d - 1] for f, d in zip(func, dysf, strict=True)]
        assert max(set(cats), key=cats.count) == category, feature
        imp = [importance_value(v) for v in kano[f"{feature}_importance"].drop_nulls()]
        assert all(1 <= v <= 9 for v in imp) and len(imp) >= 180
        if feature == "Gamification badges":  # the feature some people would rather not have
            assert cats.count("R") >= 20


def test_backlog_links_to_kano_features_and_leaves_three_gaps():
    reqs = _csv("requirements")
    kano = _csv("kano")
    features = {c.rsplit("_", 1)[0] for c in kano.columns if c.endswith("_functional")}
    linked = reqs["kano_feature"].drop_nulls().to_list()
    assert 10 <= len(linked) <= 14 and set(linked) <= features
    assert reqs["req_id"].to_list() == [f"R{i:02d}" for i in range(1, 26)]
    numeric = story.REQ_COLUMNS[4:]
    gaps = reqs.filter(pl.any_horizontal(pl.col(numeric).is_null()))["req_id"].to_list()
    assert gaps == ["R09", "R17", "R23"]


def test_feedback_texts_vary_and_only_a_few_carry_contact_details():
    fb = _csv("feedback")
    assert fb["feedback_id"].n_unique() == fb.height
    per_user = fb.filter(pl.col("user_id").is_not_null()).group_by("user_id").len()["len"]
    assert per_user.max() <= 3
    long = fb.filter(pl.col("text").str.len_chars() > 40)["text"]
    assert long.n_unique() / long.len() > 0.97
    pii = re.compile(r"[\w.]+@[\w.]+\.\w+|\+?\(?\d{2,3}\)?[ -]\d{3}[ -]?\d{4}|\+\d[\d ]{8,}")
    assert 3 <= sum(bool(pii.search(t)) for t in fb["text"].drop_nulls()) <= 5
    ratings = fb["rating"].drop_nulls().cast(pl.Int64)
    assert ratings.min() == 1 and ratings.max() == 5
    nps = fb["score_0_10"].drop_nulls().cast(pl.Int64)
    assert nps.min() >= 0 and nps.max() <= 10 and nps.len() > 0.2 * fb.height
    assert set(fb["channel"]) == {"in-app", "app-store", "support", "survey"}
    blank = fb.filter(pl.col("text").is_null() | (pl.col("text").str.strip_chars() == ""))
    assert blank.height == len(BAD_FEEDBACK_ROWS)


def test_personas_speak_their_own_words():
    fb = _csv("feedback").join(_csv("persona_truth"), on="user_id")
    words = {"solo_planner": "offline|widget|remind", "team_lead": "workload|permission|notification",
             "integrator": "jira|github|slack|api|shortcut|bulk",
             "casual_churner": "onboarding|pric|expensive", "enterprise_admin": "sso|sign-on|audit|security"}
    share = {(p, q): fb.filter(pl.col("persona") == p)["text"].str.to_lowercase().str.contains(w).mean()
             for p in words for q, w in words.items()}
    for p in words:  # of all persona vocabularies, a persona's texts use its own the most
        own = {q: share[(p, q)] for q in words}
        assert max(own, key=own.get) == p, own


def test_deliberate_bad_event_rows_are_where_documented():
    raw = _csv("events")
    assert raw["user_id"].null_count() == sum(1 for _, what in BAD_EVENT_ROWS if what == "missing user_id")
    unparsable = raw.filter(pl.col("timestamp").str.to_datetime("%Y-%m-%dT%H:%M:%SZ", strict=False).is_null())
    assert unparsable.height == 1
    assert duckdb.sql(f"SELECT count(*) FROM read_csv('{BUNDLED['events']}')").fetchall()[0][0] == raw.height


def test_small_sample_workspace_loads_with_only_the_deliberate_rejects(sample_ws):
    batches = sample_ws.con.sql(
        "SELECT kind, rows_read, rows_loaded, rows_rejected FROM batches ORDER BY batch_id").pl()
    assert batches["kind"].to_list() == ["users", "events", "feedback", "kano", "requirements"]
    rejected = dict(zip(batches["kind"], batches["rows_rejected"], strict=True))
    assert rejected == {"users": 0, "events": len(BAD_EVENT_ROWS), "feedback": len(BAD_FEEDBACK_ROWS),
                        "kano": 0, "requirements": 0}
    assert (batches["rows_read"] == batches["rows_loaded"] + batches["rows_rejected"]).all()
    counts = dict(sample_ws.con.sql(
        "SELECT 'users', count(*) FROM users UNION ALL SELECT 'kano', count(*) FROM kano_responses "
        "UNION ALL SELECT 'features', count(DISTINCT feature) FROM kano_responses "
        "UNION ALL SELECT 'reqs', count(*) FROM requirements").fetchall())
    assert counts == {"users": 600, "kano": 2000, "features": 10, "reqs": 25}
    orphans = sample_ws.con.sql(
        "SELECT count(*) FROM requirements WHERE kano_feature IS NOT NULL "
        "AND kano_feature NOT IN (SELECT feature FROM kano_responses)").fetchall()[0][0]
    assert orphans == 0
    attrs = sample_ws.con.sql(
        "SELECT attributes->>'variant' AS v, count(*) AS n FROM users GROUP BY 1 ORDER BY 1").fetchall()
    assert [v for v, _ in attrs] == ["A", "B"]


def test_bundled_demo_loads_the_documented_row_counts():
    from analytics.workspace import Workspace
    from sample_data.demo import build_demo_workspace

    ws = Workspace(":memory:")
    try:
        results = build_demo_workspace(ws)
        loaded = {r.kind: (r.rows_loaded, r.rows_rejected) for r in results}
        assert loaded == {"users": (5000, 0), "events": (295_669, 3), "feedback": (3_192, 2),
                          "kano": (2000, 0), "requirements": (25, 0)}
        again = build_demo_workspace(ws)  # same files again: replaced, not duplicated
        assert [r.rows_loaded for r in again] == [r.rows_loaded for r in results]
        assert ws.con.sql("SELECT count(*) FROM events").fetchall()[0][0] == 295_669
    finally:
        ws.close()


def test_demo_files_names_what_is_missing(tmp_path):
    from analytics.errors import UserLensError
    from sample_data.demo import demo_files

    (tmp_path / FILES["users"]).write_text("user_id\nu1\n")
    with pytest.raises(UserLensError, match="events.csv.gz"):
        demo_files(tmp_path)


def test_the_help_article_journey_only_adds_events(tmp_path, monkeypatch, events):
    """The journey of issue 16 is added on top: without it the generator writes every other row as is."""
    from sample_data import generate as gen

    with_help = pl.read_csv(gen.generate(tmp_path / "with", users=300, seed=3)["events"], infer_schema=False)
    monkeypatch.setattr(gen, "add_help_detours", lambda ev, seed: ev)
    without = pl.read_csv(gen.generate(tmp_path / "without", users=300, seed=3)["events"], infer_schema=False)
    bad = pl.col("user_id").is_null() | (pl.col("timestamp") == "2026-13-45 25:61:00")
    assert with_help.filter(~bad & (pl.col("event") != story.HELP_EVENT)).equals(without.filter(~bad))
    # in the bundled data the article is where stuck users go: few of them complete their profile
    helped = set(events.filter(pl.col("event") == story.HELP_EVENT)["user_id"])
    done = set(events.filter(pl.col("event") == "profile_completed")["user_id"])
    started = set(events.filter(pl.col("event") == "onboarding_started")["user_id"])
    assert 500 <= len(helped) <= 1000 and helped <= started
    rest = started - helped
    assert len(helped & done) / len(helped) < 0.4 < 0.8 < len(rest & done) / len(rest)

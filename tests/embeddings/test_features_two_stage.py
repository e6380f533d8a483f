"""Behaviour blocks (composition, attributes), the neutral text space and two-stage assignment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from embeddings.clustering import classify_by_behaviour
from embeddings.features import encode_attributes, event_composition, text_space
from embeddings.personas import run_personas
from embeddings.select_k import choose_k
from tests.helpers import insert_rows


def test_event_composition_is_a_centred_log_ratio():
    out = event_composition(np.array([[1.5, 0.5], [3.5, 3.5]]))
    # log(2), log(1) -> centred: ±log(2)/2 ; equal counts -> 0
    np.testing.assert_allclose(out, [[np.log(2) / 2, -np.log(2) / 2], [0.0, 0.0]], atol=1e-6)
    big = event_composition(np.array([[100.0, 50.0]]))
    small = event_composition(np.array([[10.0, 5.0]]))
    np.testing.assert_allclose(big, small, atol=0.05)  # the mix, not the volume


def test_encode_attributes_one_hot_numeric_and_skipped_keys():
    long = pl.DataFrame({
        "user_id": ["a", "b", "c", "a", "b", "c", "a", "b", "c"] + [f"x{i}" for i in range(13)],
        "key": ["plan"] * 3 + ["email"] * 3 + ["seats"] * 3 + ["seats"] * 13,
        "value": ["free", "team", "free", "a@x", "b@x", "c@x", "1", "3", "7"]
        + [str(i + 10) for i in range(13)],
    })
    users = ["a", "b", "c", "d"]
    matrix, names = encode_attributes(long.filter(pl.col("key") != "email"), users)
    # seats has 3 distinct values among a..c (<= 12): one-hot; plan one-hot; d has nothing
    assert names == ["plan=free", "plan=team", "seats=1", "seats=3", "seats=7"]
    np.testing.assert_array_equal(matrix[:, :2], [[1, 0], [0, 1], [1, 0], [0, 0]])
    matrix, names = encode_attributes(long, users + [f"x{i}" for i in range(13)])
    # now seats has 16 distinct numeric values -> one log1p column; email (3 values) one-hot
    assert names == ["email=a@x", "email=b@x", "email=c@x", "plan=free", "plan=team", "seats"]
    seats = matrix[:, names.index("seats")]
    assert seats[0] == pytest.approx(np.log1p(1.0)) and seats[2] == pytest.approx(np.log1p(7.0))
    all_logs = np.log1p([1, 3, 7] + [i + 10 for i in range(13)])
    assert seats[3] == pytest.approx(all_logs.mean(), rel=1e-5)  # missing -> the mean


def test_text_space_is_neutral_without_text():
    rng = np.random.RandomState(0)
    text = rng.normal(size=(20, 8)).astype(np.float32)
    has = np.arange(20) < 15
    text[~has] = 0.0
    z = text_space(text, has, n_components=3)
    assert z.shape == (20, 3)
    np.testing.assert_allclose(np.linalg.norm(z[has], axis=1), 1.0, rtol=1e-5)
    assert not z[~has].any()
    assert text_space(text, np.zeros(20, dtype=bool)).shape == (20, 0)


def test_choose_k_min_share_and_parsimony():
    rng = np.random.RandomState(0)
    centres = np.array([[0, 0], [10, 0], [0, 10], [10, 10]], dtype=np.float32)
    X = np.concatenate([c + rng.normal(size=(200, 2)) for c in centres]
                       + [np.array([[30.0, 30.0]]) + rng.normal(size=(6, 2))]).astype(np.float32)
    best, scores = choose_k(X, range(2, 8), seed=0, min_share=0.03)
    assert best == 4  # k = 5 would isolate 6 far points (< 3 %)
    row5 = scores.filter(pl.col("k") == 5)
    assert row5["min_share"][0] < 0.03
    near_top = scores.filter(pl.col("silhouette") >= scores["silhouette"].max() - 0.02)["k"].min()
    assert choose_k(X, range(2, 8), seed=0, prefer_small=True)[0] == near_top


def test_classify_by_behaviour_follows_the_profile():
    profile = np.array([[0.0], [0.1], [5.0], [5.1], [0.05], [4.9]])
    train = np.array([True, True, True, True, False, False])
    out = classify_by_behaviour(profile, train, np.array([1, 1, 0, 0]))[0]
    assert out.tolist() == [1, 1, 0, 0, 1, 0]
    one = classify_by_behaviour(profile, train, np.array([2, 2, 2, 2]))[0]
    assert one.tolist() == [2] * 6


def test_two_stage_places_silent_users_with_their_behaviour_group(planted_ws, fake_encoder, monkeypatch):
    import embeddings.clustering as clustering

    monkeypatch.setattr(clustering, "MIN_TEXT_USERS", 10)
    t = datetime(2024, 2, 1, tzinfo=UTC)
    silent = []
    for i in range(4):  # no feedback; behaviour like the exporters (export_report, view_dashboard)
        for d in range(4):
            ts = t + timedelta(days=d, hours=i)
            silent += [(f"quiet{i}", "export_report", ts), (f"quiet{i}", "export_report", ts),
                       (f"quiet{i}", "view_dashboard", ts)]
    insert_rows(planted_ws, silent, [])
    run = run_personas(planted_ws, k=2, seed=0, encoder=fake_encoder)
    assert run.params["method"] == "two-stage"
    coords = run.coords
    exp_id = coords.filter(pl.col("user_id") == "exp00")["persona_id"][0]
    quiet = coords.filter(pl.col("user_id").str.starts_with("quiet"))["persona_id"].to_list()
    assert quiet == [exp_id] * 4
    assert coords.filter(pl.col("user_id").str.starts_with("int"))["persona_id"].n_unique() == 1


def test_distinctive_events_use_share_lift_not_volume():
    from embeddings.personas import distinctive_events

    names = ["app_open", "search", "export"]
    base = np.array([500.0, 300.0, 200.0])  # shares .5 .3 .2
    # a heavy group doing the same mix x3 is not distinctive at all
    assert distinctive_events(base * 3, base * 4, names) == []
    # group shares .4 .1 .5: export lift .5/.2 = 2.5 qualifies; app_open .8 and search .33 do not
    assert distinctive_events(np.array([40.0, 10.0, 50.0]), base, names) == ["export"]
    assert distinctive_events(np.zeros(3), base, names) == []

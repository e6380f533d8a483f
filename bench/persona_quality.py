"""Benchmark: how well personas recover the planted personas of the Tasklane demo data.

    python bench/persona_quality.py [--workspace /tmp/demo.duckdb] [--seeds 0 1]

Builds the demo workspace when the file has no events yet (the real model embeddings are cached
in it after the first run), computes the user features once, then clusters them with several
variants and prints ARI / NMI against ``sample_data/data/persona_truth.csv`` (all users, users
with feedback, users without) for fixed k = 5 and automatic k. The first row is the baseline
that shipped first (log1p counts + activity standardised, raw text block, one stage, w = 0.5).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TRUTH = ROOT / "sample_data" / "data" / "persona_truth.csv"


def _std(x: np.ndarray) -> np.ndarray:
    s = x.std(0)
    return (x - x.mean(0)) / np.where(s > 0, s, 1.0)


def _l2(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(n > 0, n, 1.0)


def baseline_space(f) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The first version: [sqrt(.5)·text, sqrt(.5)·l2(std([log1p counts, activity]))]."""
    act = np.zeros((len(f.user_ids), 3))
    pos = {u: i for i, u in enumerate(f.user_ids)}
    rows = np.array([pos[u] for u in f.activity["user_id"].to_list()])
    days = f.activity["active_days"].to_numpy().astype(float)
    act[rows, 0] = np.log1p(days)
    act[rows, 1] = np.log1p(f.activity["tenure_days"].to_numpy())
    act[rows, 2] = np.log1p(f.activity["n_events"].to_numpy() / np.maximum(days, 1))
    beh = np.zeros((len(f.user_ids), f.event_counts.shape[1] + 3))
    raw = np.concatenate([np.log1p(f.event_counts), act], 1)[f.has_behaviour]
    beh[f.has_behaviour] = _l2(_std(raw))
    return np.concatenate([np.sqrt(0.5) * f.text, np.sqrt(0.5) * beh], 1).astype(np.float32)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workspace", default="/tmp/demo.duckdb")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()

    import polars as pl
    from sklearn.metrics import adjusted_rand_score as ari
    from sklearn.metrics import normalized_mutual_info_score as nmi

    from analytics.workspace import Workspace
    from embeddings import clustering
    from embeddings.clustering import assign_users
    from embeddings.features import BLOCK_WEIGHTS, build_user_features, workspace_encoder
    from embeddings.kmeans import KMeans
    from embeddings.select_k import choose_k
    from sample_data.demo import build_demo_workspace

    ws = Workspace(args.workspace)
    if ws.con.sql("SELECT count(*) FROM events").fetchall()[0][0] == 0:
        build_demo_workspace(ws)
    t0 = time.perf_counter()
    f = build_user_features(ws, workspace_encoder(ws))
    print(f"features of {len(f.user_ids):,} users ({int(f.has_text.sum()):,} with text) "
          f"in {time.perf_counter() - t0:.1f} s; attributes: {', '.join(f.attribute_names)}")
    truth = dict(pl.read_csv(TRUTH).iter_rows())
    y = np.array([truth.get(u, "?") for u in f.user_ids])
    ht = f.has_text

    def report(name: str, labels: np.ndarray, k: int) -> None:
        print(f"{name:52} {k:>2} {ari(y, labels):6.3f} {nmi(y, labels):6.3f} "
              f"{ari(y[ht], labels[ht]):6.3f} {ari(y[~ht], labels[~ht]):6.3f}", flush=True)

    print(f"\n{'variant':52} {'k':>2} {'ARI':>6} {'NMI':>6} {'ARItx':>6} {'ARInotx':>6}")
    full, full_profile = f.behaviour.copy(), f.profile.copy()
    for seed in args.seeds:
        X0 = baseline_space(f)
        report(f"baseline one-stage w=.5 k=5 s={seed}",
               KMeans(5, n_init=3, random_state=seed).fit(X0).labels_, 5)
        k0, _ = choose_k(X0, range(2, 11), seed=seed)
        report(f"baseline one-stage w=.5 auto s={seed}",
               KMeans(k0, n_init=3, random_state=seed).fit(X0).labels_, k0)
        for label, blocks in (("no attributes", ("composition", "volume")),
                              ("composition+volume+attributes", tuple(BLOCK_WEIGHTS))):
            f.behaviour = _select_blocks(full, f, blocks)
            f.profile = _select_blocks(full_profile, f, blocks)
            saved = clustering.MIN_TEXT_USERS
            for w in (0.5, 0.8, 1.0):
                for two in (False, True):
                    clustering.MIN_TEXT_USERS = saved if two else 10**9
                    for k in (5, None):
                        a = assign_users(f, k=k, text_weight=w, seed=seed)
                        stage = "two-stage" if two else "one-stage"
                        report(f"{stage} {label} w={w} {'auto' if k is None else 'k=5'} s={seed}",
                               a.labels, a.k)
            clustering.MIN_TEXT_USERS = saved
        f.behaviour, f.profile = full, full_profile
    return 0


def _select_blocks(full: np.ndarray, f, keep: tuple[str, ...]) -> np.ndarray:  # type: ignore[no-untyped-def]
    """`full` behaviour with the columns of blocks not in `keep` zeroed (same layout as features.py)."""
    widths = {"composition": f.event_counts.shape[1], "volume": 3, "attributes": len(f.attribute_names)}
    out = full.copy()
    start = 0
    for name, width in widths.items():
        if name not in keep:
            out[:, start:start + width] = 0.0
        start += width
    return out


if __name__ == "__main__":
    sys.exit(main())

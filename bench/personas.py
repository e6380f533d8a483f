"""Benchmark: persona clustering, embedding throughput and clustering quality (DESIGN §10).

    python bench/personas.py [--users 100000] [--dim 384] [--texts 2000] [--json out.json]

1. k-means on N synthetic users × D dims (8 Gaussian blobs): our torch KMeans with fixed k and
   with automatic k (choose_k on a 5,000-row sample + the final fit, i.e. what `run_personas`
   does) against scikit-learn KMeans with the same k, n_init and max_iter, on CPU in the same run;
   on CUDA too when a GPU is present (GPU path: only measured with cuda).
2. Embedding throughput of the bundled model on real app reviews (texts/s), then the same call
   again, fully served by the workspace cache.
3. Clustering quality on the labelled app reviews (dataset_balanced_8000.csv: column `review`,
   label column `label`, 4 classes): k = number of labels, ARI and NMI against the labels.
Targets: auto-k personas at 100k × 384 ≤ 15 s on CPU; ≥ 300 texts/s on CPU; cached re-run ≈ 0 s.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REVIEWS = (ROOT.parent / "shared" / "data" / "en-app-reviews-labeled-feature-requests"
           / "dataset_balanced_8000.csv")


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def bench_kmeans(n: int, dim: int, k: int, devices: list[str]) -> list[dict]:
    from sklearn.cluster import KMeans as SkKMeans
    from sklearn.datasets import make_blobs
    from sklearn.metrics import adjusted_rand_score

    from embeddings.kmeans import KMeans
    from embeddings.select_k import choose_k

    X, y = make_blobs(n_samples=n, n_features=dim, centers=k, cluster_std=4.0, random_state=0)
    X = X.astype(np.float32)
    rows = []
    t, sk = timed(lambda: SkKMeans(n_clusters=k, n_init=3, max_iter=100, random_state=0).fit(X))
    rows.append({"what": f"sklearn KMeans k={k}", "device": "cpu", "seconds": t, "inertia": sk.inertia_,
                 "ari": adjusted_rand_score(y, sk.labels_)})
    for device in devices:
        KMeans(n_clusters=2, device=device).fit(X[:1000])  # warm-up (CUDA context, kernels)
        t, ours = timed(lambda d=device: KMeans(n_clusters=k, n_init=3, max_iter=100, random_state=0,
                                                device=d).fit(X))
        rows.append({"what": f"ours KMeans k={k}", "device": device, "seconds": t, "inertia": ours.inertia_,
                     "ari": adjusted_rand_score(y, ours.labels_)})

        def auto(d: str = device) -> tuple[int, np.ndarray]:
            best, _ = choose_k(X, range(2, 11), sample_size=5000, seed=0, device=d)
            return best, KMeans(n_clusters=best, n_init=3, random_state=0, device=d).fit(X).labels_

        t, (best, labels) = timed(auto)
        rows.append({"what": f"ours auto k (chose {best})", "device": device, "seconds": t, "inertia": None,
                     "ari": adjusted_rand_score(y, labels)})
    return rows


def bench_embedding(texts: list[str]) -> dict:
    from analytics.workspace import Workspace
    from embeddings.cache import embed_texts
    from embeddings.encoders import default_encoder

    enc = default_encoder(texts[:100])
    enc.encode(["warm up the model"])
    ws = Workspace(":memory:")
    distinct = len(set(texts))
    t_first, _ = timed(lambda: embed_texts(ws, texts, enc))
    t_cached, _ = timed(lambda: embed_texts(ws, texts, enc))
    ws.close()
    return {"model": enc.name, "device": getattr(enc, "device", "cpu"), "texts": len(texts),
            "distinct": distinct, "seconds": t_first, "texts_per_s": distinct / t_first,
            "cached_seconds": t_cached}


def bench_quality(texts: list[str], labels: list[str]) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from analytics.workspace import Workspace
    from embeddings.cache import embed_texts
    from embeddings.encoders import default_encoder
    from embeddings.kmeans import KMeans

    ws = Workspace(":memory:")
    X = embed_texts(ws, texts, default_encoder(texts[:100]))
    ws.close()
    k = len(set(labels))
    pred = KMeans(n_clusters=k, n_init=3, random_state=0).fit(X).labels_
    return {"texts": len(texts), "k": k, "ari": adjusted_rand_score(labels, pred),
            "nmi": normalized_mutual_info_score(labels, pred)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--texts", type=int, default=2000, help="texts for the throughput run")
    parser.add_argument("--quality-texts", type=int, default=8000, help="labelled reviews to cluster")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()

    import polars as pl
    import torch

    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])  # GPU path only with cuda
    result: dict = {"torch_threads": torch.get_num_threads(), "devices": devices}
    result["kmeans"] = bench_kmeans(args.users, args.dim, args.k, devices)
    print(f"k-means on {args.users:,} × {args.dim} (torch threads {result['torch_threads']})")
    print(f"{'what':32} {'device':6} {'seconds':>8} {'ARI':>6} {'inertia':>14}")
    for r in result["kmeans"]:
        inertia = f"{r['inertia']:14.4g}" if r["inertia"] is not None else f"{'':14}"
        print(f"{r['what']:32} {r['device']:6} {r['seconds']:8.2f} {r['ari']:6.3f} {inertia}")

    if REVIEWS.exists():
        frame = pl.read_csv(REVIEWS, columns=["review", "label"]).drop_nulls()
        frame = (frame.filter(pl.col("review").str.strip_chars() != "")
                 .sample(fraction=1.0, shuffle=True, seed=0))
        result["embedding"] = e = bench_embedding(frame["review"].head(args.texts).to_list())
        print(f"\nembedding {e['texts']:,} real reviews ({e['distinct']:,} distinct) with {e['model']} "
              f"on {e['device']}: {e['seconds']:.2f} s = {e['texts_per_s']:.0f} texts/s; "
              f"cached re-run {e['cached_seconds']:.3f} s")
        sub = frame.head(args.quality_texts)  # the file is sorted by label: frame is shuffled (seed 0)
        result["quality"] = q = bench_quality(sub["review"].to_list(), sub["label"].to_list())
        print(f"clustering {q['texts']:,} labelled reviews, k={q['k']}: "
              f"ARI {q['ari']:.3f}, NMI {q['nmi']:.3f}")
    else:
        print(f"\n{REVIEWS} is absent: embedding and quality benchmarks skipped")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())

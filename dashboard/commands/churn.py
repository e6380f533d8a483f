"""`userlens churn`: per-user churn risk with the model's holdout AUC."""

from __future__ import annotations

import argparse

from dashboard.commands._common import add_format_arg, add_workspace_arg, emit, workspace_from


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_workspace_arg(p)
    p.add_argument("--as-of", default=None, metavar="DATE", help="scoring time (default: the last event)")
    p.add_argument("--horizon-days", type=int, default=28, help="no event in this many days = churned")
    p.add_argument("--top", type=int, default=50, help="rows to show in the table (all in csv/json)")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    from analytics.churn import churn_risk  # scikit-learn: loaded only by this verb

    ws = workspace_from(args)
    result = churn_risk(ws.con, as_of=args.as_of, horizon_days=args.horizon_days)
    meta = {"auc": result.auc, "auc_note": result.auc_note, "as_of": result.as_of,
            "train_cutoff": result.train_cutoff, "test_cutoff": result.test_cutoff,
            "n_train": result.n_train, "n_test": result.n_test, "horizon_days": result.horizon_days}
    auc = "n/a" if result.auc is None else f"{result.auc:.3f}"
    note = f"holdout AUC {auc} ({result.auc_note}); train n={result.n_train}, test n={result.n_test}"
    return emit(result.scores, args, meta, table=result.scores.head(args.top), note=note)

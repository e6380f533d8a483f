"""`userlens churn`: per-user churn risk with the model's holdout AUC."""

from __future__ import annotations

import argparse
import sys

from analytics.churn import churn_risk
from dashboard.commands._common import (add_format_arg, add_workspace_arg, print_frame, print_json,
                                       workspace_from)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("churn", help="churn risk per user (gradient boosting, time-based holdout AUC)")
    add_workspace_arg(p)
    p.add_argument("--as-of", default=None, metavar="DATE", help="scoring time (default: the last event)")
    p.add_argument("--horizon-days", type=int, default=28, help="no event in this many days = churned")
    p.add_argument("--top", type=int, default=50, help="rows to show in the table (all in csv/json)")
    add_format_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws = workspace_from(args)
    result = churn_risk(ws.con, as_of=args.as_of, horizon_days=args.horizon_days)
    meta = {"auc": result.auc, "auc_note": result.auc_note, "as_of": result.as_of,
            "train_cutoff": result.train_cutoff, "test_cutoff": result.test_cutoff,
            "n_train": result.n_train, "n_test": result.n_test, "horizon_days": result.horizon_days}
    if args.format == "json":
        print_json({"rows": result.scores.to_dicts(), "meta": meta})
        return 0
    shown = result.scores.head(args.top) if args.format == "table" else result.scores
    print_frame(shown, args.format)
    if args.format == "table":
        auc = "n/a" if result.auc is None else f"{result.auc:.3f}"
        print(f"holdout AUC {auc} ({result.auc_note}); train n={result.n_train}, test n={result.n_test}",
              file=sys.stderr)
    return 0

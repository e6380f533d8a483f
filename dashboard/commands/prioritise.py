"""`userlens prioritise`: rank the requirements backlog (RICE, ICE, WSJF, value/effort, weighted, Kano)."""

from __future__ import annotations

import argparse

from analytics.errors import UserLensError
from analytics.prioritise import METHOD_DESCRIPTIONS, METHOD_INPUTS, prioritise_json
from analytics.queries import PrioritiseQuery
from dashboard.commands._common import (add_format_arg, add_workspace_arg, print_frame, print_json,
                                       workspace_from)
from dashboard.commands._options import add_query_arguments, query_from_args


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_workspace_arg(p)
    add_query_arguments(p, PrioritiseQuery)  # every option, from its one declaration
    p.add_argument("--sensitivity", action="store_true",
                   help="also show how the top 10 changes when each weight moves by 20 %%")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    ws = workspace_from(args)
    query = query_from_args(PrioritiseQuery, args)
    frame = query.run(ws.con)
    if frame.is_empty():
        raise UserLensError(f"No requirements in the workspace {ws.path}: load a backlog first with "
                            "`userlens ingest requirements FILE`.")
    sens = None
    if args.sensitivity:
        from analytics.sensitivity import sensitivity  # scipy: only for --sensitivity

        params = query.params()
        sens = sensitivity(ws.con, method=query.method, weights=params["weights"],
                           use_evidence=query.use_evidence, defaults=params["defaults"])
    if args.format == "json":
        doc = prioritise_json(frame, query.method)
        if sens is not None:
            doc["sensitivity"] = sens.to_dicts()
        print_json(doc)
        return 0
    if args.format == "csv":
        print_frame(frame, "csv")
        return 0
    inputs = [c for c in METHOD_INPUTS.get(query.method, ()) if c in frame.columns]
    if query.method == "weighted":
        inputs = [c for c in frame.columns if c.endswith("_score")]
    extra = ["kano_category", "better", "worse"] if query.method == "kano" else ["quadrant"]
    shown = frame.select(["rank", "req_id", "title", "score", *inputs, *extra, "flags"])
    print_frame(shown.with_columns(shown["score"].round(3)), "table")
    print(f"\n{METHOD_DESCRIPTIONS[query.method]}")
    flagged = frame.filter(frame["flags"].list.len() > 0)
    if flagged.height:
        print("\nDefaults used (fill these in the backlog to sharpen the ranking):")
        for r in flagged.iter_rows(named=True):
            notes = [n for n in r["provenance"].split("; ")
                     if any(word in n for word in ("default", "no Kano", "kano class"))]
            print(f"  {r['req_id']}: " + "; ".join(notes))
    if sens is not None:
        print("\nSensitivity of the top 10 to each weight (+/-20 %):")
        print_frame(sens.drop("entered_ids"), "table")
    return 0

"""`userlens prioritise`: rank the requirements backlog (RICE, ICE, WSJF, value/effort, weighted, Kano)."""

from __future__ import annotations

import argparse

from analytics.errors import UserLensError
from analytics.prioritise import METHOD_DESCRIPTIONS, METHOD_INPUTS, METHODS, prioritise, prioritise_json
from dashboard.commands._common import (add_format_arg, add_workspace_arg, parse_number_pairs, print_frame,
                                       print_json, workspace_from)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_workspace_arg(p)
    p.add_argument("--method", choices=list(METHODS), default="rice")
    p.add_argument("--weight", metavar="NAME=W", action="append", default=[],
                   help="change one weight of the method (repeatable), e.g. --weight reach=2")
    p.add_argument("--default", metavar="NAME=V", action="append", default=[],
                   help="value used where the backlog has none and nothing can be derived, e.g. effort=2")
    p.add_argument("--no-evidence", action="store_true",
                   help="do not derive missing inputs from feedback evidence and Kano results")
    p.add_argument("--prefer-evidence-reach", action="store_true",
                   help="use the users in matching feedback as reach even where the backlog has one")
    p.add_argument("--sensitivity", action="store_true",
                   help="also show how the top 10 changes when each weight moves by 20 %%")
    add_format_arg(p)


def run(args: argparse.Namespace) -> int:
    ws = workspace_from(args)
    weights = parse_number_pairs(args.weight, "--weight")
    defaults = parse_number_pairs(args.default, "--default")
    frame = prioritise(ws.con, method=args.method, weights=weights or None, use_evidence=not args.no_evidence,
                       defaults=defaults or None, prefer_evidence_reach=args.prefer_evidence_reach)
    if frame.is_empty():
        raise UserLensError(f"No requirements in the workspace {ws.path}: load a backlog first with "
                            "`userlens ingest requirements FILE`.")
    sens = None
    if args.sensitivity:
        from analytics.sensitivity import sensitivity  # scipy: only for --sensitivity

        sens = sensitivity(ws.con, method=args.method, weights=weights or None,
                           use_evidence=not args.no_evidence, defaults=defaults or None)
    if args.format == "json":
        doc = prioritise_json(frame, args.method)
        if sens is not None:
            doc["sensitivity"] = sens.to_dicts()
        print_json(doc)
        return 0
    if args.format == "csv":
        print_frame(frame, "csv")
        return 0
    inputs = [c for c in METHOD_INPUTS.get(args.method, ()) if c in frame.columns]
    if args.method == "weighted":
        inputs = [c for c in frame.columns if c.endswith("_score")]
    extra = ["kano_category", "better", "worse"] if args.method == "kano" else ["quadrant"]
    shown = frame.select(["rank", "req_id", "title", "score", *inputs, *extra, "flags"])
    print_frame(shown.with_columns(shown["score"].round(3)), "table")
    print(f"\n{METHOD_DESCRIPTIONS[args.method]}")
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

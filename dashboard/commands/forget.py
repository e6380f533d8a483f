"""`userlens forget USER_ID`: remove one user from every table of a workspace (right to erasure)."""

from __future__ import annotations

import argparse

from dashboard.commands._common import add_workspace_arg, print_frame, print_json, workspace_from


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `forget` options."""
    parser.add_argument("user_id", help="the user id as in the source data")
    add_workspace_arg(parser)
    parser.add_argument("--format", choices=["table", "json"], default="table")


def run(args: argparse.Namespace) -> int:
    """Forget the user and print what was removed and rewritten, table by table."""
    from analytics.erasure import compact_if_pending
    from embeddings.erasure import forget_user_everywhere

    ws = workspace_from(args)
    erasure = forget_user_everywhere(ws, args.user_id)
    ws.close()  # the file is rewritten without the freed bytes of the erased rows
    compacted = compact_if_pending(ws.path)
    doc = {**erasure.to_json(), "file_compacted": compacted}
    if args.format == "json":
        print_json(doc)
        return 0
    print(f"Forgot user {erasure.user_id!r}: {doc['rows_removed']:,} rows removed, "
          f"{doc['rows_rewritten']:,} rows rewritten.")
    frame = erasure.frame()
    if frame.height:
        print_frame(frame, "table")
    if compacted:
        print(f"The workspace file {ws.path} was rewritten: none of the erased bytes remain in it.")
    return 0

"""Options and output shared by the CLI verbs."""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import date, datetime
from typing import Any

import polars as pl

from analytics.errors import UserLensError
from analytics.tabular import csv_text
from analytics.workspace import Workspace, open_workspace


def add_workspace_arg(parser: argparse.ArgumentParser) -> None:
    """--workspace PATH (default ~/.userlens/workspace.duckdb or $USERLENS_WORKSPACE)."""
    parser.add_argument("--workspace", metavar="PATH", default=None,
                        help="DuckDB workspace file (default ~/.userlens/workspace.duckdb)")


def add_format_arg(parser: argparse.ArgumentParser, default: str = "table") -> None:
    """--format table|csv|json."""
    parser.add_argument("--format", choices=["table", "csv", "json"], default=default)


def describe_from_docstring(parser: argparse.ArgumentParser, doc: str | None) -> None:
    """Use a verb module's docstring in its --help: the first paragraph above, the rest below as written."""
    parser.description, _, parser.epilog = (doc or "").partition("\n\n")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter


def workspace_from(args: argparse.Namespace) -> Workspace:
    """Open the workspace the arguments name."""
    return open_workspace(getattr(args, "workspace", None))


def events_workspace(args: argparse.Namespace) -> Workspace:
    """Open the workspace the arguments name and check that it holds events (else a UserLensError)."""
    from analytics.periods import ensure_events

    ws = workspace_from(args)
    ensure_events(ws.con, f"the workspace {ws.path}")
    return ws


def frame_records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The rows as dicts; dates Python cannot hold (after year 9999, which DuckDB can) become ISO text."""
    try:
        return frame.to_dicts()
    except (OverflowError, ValueError):
        return frame.with_columns(pl.col(c).dt.to_string(_iso_format(t))
                                  for c, t in frame.schema.items() if t == pl.Date or t == pl.Datetime
                                  ).to_dicts()


def _iso_format(dtype: pl.DataType) -> str:
    """The strftime pattern of Python's isoformat() for a polars Date or Datetime."""
    if dtype == pl.Date:
        return "%Y-%m-%d"
    return "%Y-%m-%dT%H:%M:%S%.f" + ("%:z" if getattr(dtype, "time_zone", None) else "")


def emit(frame: pl.DataFrame, args: argparse.Namespace, meta: dict[str, Any] | None = None, *,
         table: pl.DataFrame | None = None, note: str | None = None) -> int:
    """Print a verb's result in ``args.format`` and return the exit status (0).

    Parameters
    ----------
    frame : polars.DataFrame
        The result: JSON ``{"rows": [...], "meta": meta}`` (no "meta" key when `meta` is None), CSV,
        or an aligned table.
    args : argparse.Namespace
        The parsed options; ``args.format`` is table, csv or json.
    meta : dict, optional
        What the rows were computed with (JSON only).
    table : polars.DataFrame, optional
        What the table format shows instead of `frame` (e.g. the first rows, rounded).
    note : str, optional
        A line printed on stderr under the table (table format only).

    Returns
    -------
    int
        0.
    """
    if args.format == "json":
        document: dict[str, Any] = {"rows": frame_records(frame)}
        if meta is not None:
            document["meta"] = meta
        print_json(document)
    elif args.format == "csv":
        print_frame(frame, "csv")
    else:
        print_frame(frame if table is None else table, "table")
        if note:
            print(note, file=sys.stderr)
    return 0


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def print_json(document: Any) -> None:
    """One JSON document on stdout (NaN becomes null, dates ISO)."""
    json.dump(_jsonable(document), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def print_frame(frame: pl.DataFrame, fmt: str) -> None:
    """A frame as an aligned table, CSV, or a JSON list of records."""
    if fmt == "json":
        print_json({"rows": frame.to_dicts()})
    elif fmt == "csv":
        sys.stdout.write(csv_text(frame))  # the one safe writer: no cell can run as a formula
    else:
        with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200,
                       tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
            print(frame)


def parse_pairs(items: list[str] | None, flag: str, *, example: str) -> dict[str, str]:
    """Repeated FIELD=VALUE options (--map, --set) as a dict; a malformed one is an error."""
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserLensError(f"{flag} expects FIELD=VALUE, got {item!r} (e.g. {flag} {example}).")
        out[key.strip()] = value
    return out


def parse_number_pairs(items: list[str] | None, flag: str) -> dict[str, float]:
    """Repeated NAME=NUMBER options (--weight, --default) as a dict; a malformed one is an error."""
    out: dict[str, float] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        try:
            number = float(value) if sep and name.strip() else None
        except ValueError:
            number = None
        if number is None:
            raise UserLensError(f"{flag} {item!r} is not NAME=NUMBER: write it like {flag} reach=2.")
        out[name.strip()] = number
    return out

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


def workspace_from(args: argparse.Namespace) -> Workspace:
    """Open the workspace the arguments name."""
    return open_workspace(getattr(args, "workspace", None))


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

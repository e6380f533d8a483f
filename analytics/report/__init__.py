"""The prioritised requirement report: one model (`build_report`), six formats.

``render_bytes(report, fmt)`` gives the bytes of one format (the dashboard's downloads);
``write_report(con, out, **options)`` builds the report and writes the format named by the file
extension (the ``userlens report`` command).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from analytics.errors import UserLensError
from analytics.report.builder import build_report
from analytics.report.model import Report

#: Format -> (file extension, MIME type).
FORMATS: dict[str, tuple[str, str]] = {
    "html": (".html", "text/html"),
    "pdf": (".pdf", "application/pdf"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "md": (".md", "text/markdown"),
    "csv": (".csv", "text/csv"),
    "json": (".json", "application/json"),
}
_EXTENSIONS = {ext: fmt for fmt, (ext, _) in FORMATS.items()} | {".htm": "html", ".markdown": "md"}

__all__ = ["FORMATS", "Report", "build_report", "format_for", "render_bytes", "write_report"]


def _renderer(fmt: str) -> Callable[[Report], bytes]:
    if fmt == "html":
        from analytics.report.render_html import render_html

        return lambda r: render_html(r).encode("utf-8")
    if fmt == "pdf":
        from analytics.report.render_pdf import render_pdf

        return render_pdf
    if fmt == "xlsx":
        from analytics.report.render_xlsx import render_xlsx

        return render_xlsx
    if fmt == "md":
        from analytics.report.render_md import render_markdown

        return lambda r: render_markdown(r).encode("utf-8")
    if fmt == "csv":
        from analytics.report.render_tabular import render_csv

        return render_csv
    if fmt == "json":
        from analytics.report.render_tabular import render_json

        return render_json
    raise UserLensError(f"Unknown report format {fmt!r}: use one of {', '.join(FORMATS)}.")


def render_bytes(report: Report, fmt: str) -> bytes:
    """One format of a report as bytes.

    Parameters
    ----------
    report : Report
        Built by `build_report`.
    fmt : {"html", "pdf", "xlsx", "md", "csv", "json"}
        Output format (CSV and JSON hold the ranking; JSON also every other section).

    Returns
    -------
    bytes
    """
    return _renderer(fmt.lower().lstrip("."))(report)


def format_for(out: str | Path) -> str:
    """The report format named by a file's extension.

    Raises
    ------
    UserLensError
        When the extension is not one of .html, .pdf, .xlsx, .md, .csv, .json.
    """
    ext = Path(out).suffix.lower()
    if ext not in _EXTENSIONS:
        raise UserLensError(
            f"Cannot tell the report format from {str(out)!r}: end the file name with "
            f"{', '.join(e for e, _ in FORMATS.values())}."
        )
    return _EXTENSIONS[ext]


def write_report(con: duckdb.DuckDBPyConnection, out: str | Path, **options: Any) -> Path:
    """Build the report and write it in the format named by the extension of `out`.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace cursor.
    out : str or Path
        Target file (.html, .pdf, .xlsx, .md, .csv or .json); its folder is created.
    **options
        Passed to `build_report` (method, weights, title, use_evidence, defaults, kano_table, quotes).

    Returns
    -------
    Path
        The file written.
    """
    path = Path(out).expanduser()
    fmt = format_for(path)
    data = render_bytes(build_report(con, **options), fmt)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        raise UserLensError(
            f"Cannot write the report to {path}: {exc.strerror or exc}. Choose another --out path."
        ) from exc
    return path

"""The team's intent set and its labels, stored in the workspace (tables of schema migration 7).

* ``intent_definitions`` — the team's own intents, one description each; empty = `DEFAULT_INTENTS`.
* ``feedback_labels`` — one label per feedback item (a later label replaces an earlier one), from
  a CSV of ``feedback_id,label`` or from the Labelling page.

Bad labels lose nothing: rows naming an unknown feedback id or no label are reported by row and
skipped, every other row is stored (`LabelReport`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from analytics.errors import InputFileError, UserLensError
from analytics.sqlfiles import run_sql
from analytics.workspace import Workspace

DEFAULT_INTENTS: dict[str, str] = {
    "bug report": "Something is broken: the app crashes, freezes, shows an error, loses data or does not "
                  "work as it should.",
    "feature request": "A request for something new or different: please add, I wish it had, it would be "
                       "great if there was an option to.",
    "praise": "The user is happy with the product: love it, great app, works perfectly, thank you.",
    "complaint": "The user is unhappy with price, ads, service, account rules or quality, without naming a "
                 "defect: too expensive, too many ads, terrible support.",
    "question": "A question: how do I, is there a way to, why does it, can I.",
    "other": "Anything else: unrelated text, a greeting, a word or two without meaning.",
}
PREVIEW = 10  # rows named in a message


@dataclass
class LabelReport:
    """What happened to labels given to `add_labels`: stored count and one message per problem."""

    stored: int = 0
    messages: list[str] = field(default_factory=list)


def intent_definitions(ws: Workspace) -> dict[str, str]:
    """The team's intents (label -> description), or `DEFAULT_INTENTS` when none are stored."""
    rows = run_sql(ws.con, "intent_definitions_all")
    if rows.height == 0:
        return dict(DEFAULT_INTENTS)
    return dict(zip(rows["label"].to_list(), rows["description"].to_list(), strict=True))


def set_intent_definitions(ws: Workspace, definitions: dict[str, str]) -> None:
    """Replace the team's intent set; each intent needs a non-empty label and description."""
    clean = {str(k).strip(): str(v).strip() for k, v in definitions.items()}
    bad = [k or "(empty label)" for k, v in clean.items() if not k or not v]
    if len(clean) < 2 or bad:
        raise UserLensError("An intent set needs at least two intents, each with a label and a description"
                            + (f" (missing for: {', '.join(bad)})." if bad else "."))
    frame = pl.DataFrame({"label": list(clean), "description": list(clean.values()),
                          "position": list(range(len(clean)))})
    with ws.write("intent_definitions") as cur:
        cur.execute("DELETE FROM intent_definitions")
        cur.register("_defs", frame)
        try:
            cur.execute("INSERT INTO intent_definitions SELECT label, description, position FROM _defs")
        finally:
            cur.unregister("_defs")


def _rows(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:PREVIEW])
    return shown + (f" and {len(numbers) - PREVIEW} more" if len(numbers) > PREVIEW else "")


def add_labels(ws: Workspace, labels: pl.DataFrame | list[tuple[str, str]], *, source: str = "ui",
               file: str | None = None) -> LabelReport:
    """Store intent labels; report (and skip) rows with an unknown feedback id or an empty label.

    Parameters
    ----------
    ws : Workspace
    labels : polars.DataFrame or list of (feedback_id, label)
        A frame with ``feedback_id`` and ``label`` columns (and optionally ``row``, the row number
        in the user's file, used in messages).
    source : str
        Where the labels came from ('csv', 'ui'), stored with them.
    file : str, optional
        The file name for messages.

    Returns
    -------
    LabelReport
    """
    if isinstance(labels, list):
        labels = pl.DataFrame(labels, schema=["feedback_id", "label"], orient="row")
    if "row" not in labels.columns:
        labels = labels.with_row_index("row", offset=1)
    frame = labels.select(pl.col("row").cast(pl.Int64), pl.col("feedback_id").cast(pl.Utf8).str.strip_chars(),
                          pl.col("label").cast(pl.Utf8).str.strip_chars())
    where = f"{file}: " if file else ""
    report = LabelReport()
    blank = pl.col("label").is_null() | (pl.col("label") == "") | pl.col("feedback_id").is_null()
    empty = frame.filter(blank)
    if empty.height:
        report.messages.append(f"{where}rows {_rows(empty['row'].to_list())} have no feedback id or no label "
                               "and were skipped; fill in both columns.")
    frame = frame.join(empty.select("row"), on="row", how="anti")
    known = set(run_sql(ws.con, "feedback_ids")["feedback_id"].to_list())
    unknown = frame.filter(~pl.col("feedback_id").is_in(list(known)))
    if unknown.height:
        ids = unknown["feedback_id"].to_list()
        report.messages.append(
            f"{where}rows {_rows(unknown['row'].to_list())} name feedback ids this workspace does not have "
            f"({', '.join(ids[:3])}{' ...' if len(ids) > 3 else ''}) and were skipped; check the ids "
            "against the loaded feedback.")
    frame = frame.join(unknown.select("row"), on="row", how="anti")
    repeated = frame.filter(pl.col("feedback_id").is_duplicated())
    if repeated.height:
        report.messages.append(f"{where}rows {_rows(repeated['row'].to_list())} label the same feedback more "
                               "than once; the last row of each counts.")
    frame = frame.unique("feedback_id", keep="last", maintain_order=True)
    if frame.height:
        stamped = frame.with_columns(pl.lit(source).alias("source"),
                                     pl.lit(datetime.now(UTC)).alias("labelled_at"))
        with ws.write("feedback_labels") as cur:
            cur.register("_labels", stamped)
            try:
                cur.execute("INSERT OR REPLACE INTO feedback_labels (feedback_id, label, source, "
                            "labelled_at) SELECT feedback_id, label, source, labelled_at FROM _labels")
            finally:
                cur.unregister("_labels")
    report.stored = frame.height
    return report


def read_labels_file(path: str | Path) -> pl.DataFrame:
    """Read a ``feedback_id,label`` CSV (any extra columns are ignored) with each row's number.

    Row numbers count the header as row 1, as a spreadsheet shows them.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError("does not exist", file=str(path), hint="Check the path given to --labels.")
    try:
        frame = pl.read_csv(path, infer_schema_length=0, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise InputFileError(f"cannot be read as CSV ({exc})", file=str(path),
                             hint="Save it as a CSV with the columns feedback_id,label.") from exc
    columns = {c.strip().lower().lstrip("\ufeff"): c for c in frame.columns}
    missing = [c for c in ("feedback_id", "label") if c not in columns]
    if missing:
        raise InputFileError(f"has no column {' or '.join(repr(m) for m in missing)} (found: "
                             f"{', '.join(frame.columns) or 'none'})", file=str(path),
                             hint="The labels file needs a header row with feedback_id,label.")
    return frame.select(pl.col(columns["feedback_id"]).alias("feedback_id"),
                        pl.col(columns["label"]).alias("label")).with_row_index("row", offset=2)


def stored_labels(ws: Workspace) -> pl.DataFrame:
    """feedback_id, label, source, labelled_at, text of every stored label."""
    return run_sql(ws.con, "feedback_labels_all")


def most_uncertain(ws: Workspace, n: int = 10) -> pl.DataFrame:
    """The `n` unlabelled feedback texts the latest intents run is least sure of: label these next.

    Returns
    -------
    polars.DataFrame
        feedback_id, text, intent, confidence (lowest first); empty without an intents run.
    """
    if n < 1:
        raise UserLensError(f"Ask for at least one text to label (got {n}).")
    return run_sql(ws.con, "intents_most_uncertain", n=int(n))

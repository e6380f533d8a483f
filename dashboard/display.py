"""How numbers, dates and column names look on screen: one registry for every table of the dashboard.

Analytics functions return machine column names (``cohort_start``, ``p3``, ``diff_ci_high``,
``mean_active_days_28``) and raw values (shares 0..1, midnight timestamps, nulls). `present` turns a
frame into what a person reads: the column's human label and help from `COLUMNS`, shares as
percentages with one decimal, dates without a time, "—" for a missing value (`MISSING`). The
numbers stay numbers (tables still sort by value); only their display changes. Downloads keep
the machine names and raw values.

The small text formatters (`fmt_int`, `fmt_pct`, `fmt_duration`, `plural`) are used by metric
tiles and sentences, so a value reads the same in a table, a tile and a caption.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import polars as pl
import streamlit as st

MISSING = "—"
WRAP_CHARS = 40  # a text column with longer values gets wrapped rows (small tables only)
WRAP_MAX_ROWS = 100
WRAP_ROW_HEIGHT = 68  # px; Streamlit wraps cell text only in rows taller than 4 rem


@dataclass(frozen=True)
class Col:
    """How one column is shown: its label, its format kind (see `FORMATS`) and an optional tooltip."""

    label: str
    fmt: str = "auto"
    help: str | None = None


# Format kinds -> (printf format of st.column_config.NumberColumn, factor applied to the value).
FORMATS: dict[str, tuple[str, float]] = {
    "int": ("localized", 1.0),
    "num": ("localized", 1.0),  # thousands separated, decimals only where the value has them
    "num1": ("%.1f", 1.0),
    "num2": ("%.2f", 1.0),
    "num3": ("%.3f", 1.0),
    "share": ("%.1f %%", 100.0),  # a share 0..1 shown as a percentage
    "pct": ("%.1f %%", 1.0),  # already a percentage 0..100
    "pts": ("%+.1f pts", 100.0),  # a difference of two shares, in percentage points
    "signed_share": ("%+.1f %%", 100.0),
    "signed0": ("%+.0f", 1.0),
    "signed1": ("%+.1f", 1.0),
    "signed2": ("%+.2f", 1.0),
    "pvalue": ("%.3g", 1.0),
}
OTHER_KINDS = ("text", "list", "date", "datetime", "bool", "score", "bar_share", "auto")

COLUMNS: dict[str, Col] = {
    # data management
    "batch_id": Col("Batch", "int"), "kind": Col("Kind", "text"), "file_name": Col("File", "text"),
    "rows_read": Col("Rows read", "int"), "rows_loaded": Col("Rows loaded", "int"),
    "rows_rejected": Col("Rows rejected", "int"), "loaded_at": Col("Loaded at", "datetime"),
    "pseudonymised": Col("Pseudonymised", "bool"), "row_number": Col("Row", "int"),
    "reason": Col("Reason", "text"), "column_name": Col("Column", "text"),
    "raw_line": Col("Line as read", "text"),
    # retention
    "cohort_start": Col("Cohort start", "date"), "cohort_size": Col("Cohort size", "int"),
    # cohort scoring
    "cohort": Col("Cohort", "text"), "size": Col("Users", "int"),
    "retention_1": Col("Retention, period 1", "share",
                       "Share of the cohort active in the first calendar period after their first active one "
                       "(weeks; months for signup-month cohorts), among users for whom it is over."),
    "retention_4": Col("Retention, period 4", "share", "As period 1, for the fourth period after."),
    "retention_12": Col("Retention, period 12", "share", "As period 1, for the twelfth period after."),
    "mean_active_days": Col("Active days", "num1", "Mean number of days with an event, all time."),
    "mean_active_days_28": Col("Active days, first 28", "num1",
                               "Mean number of days with an event in the 28 days from the first event."),
    "engagement_score": Col("Engagement score", "score"),
    # funnel
    "step": Col("Step", "int"), "step_name": Col("Event", "text"), "users": Col("Users", "int"),
    "conversion_from_start": Col("Of step 1", "share"),
    "conversion_from_previous": Col("Of previous step", "share"),
    "median_time_from_previous": Col("Median time from previous step", "text",
                                     "Median time between a user's previous step and this one."),
    # experiment
    "group": Col("Group", "text"), "is_control": Col("Control", "bool"),
    "n": Col("Users measured", "int"),
    "excluded": Col("Not measurable", "int", "Users in the group whose value cannot be measured yet "
                    "(e.g. their retention week has not ended)."),
    "value": Col("Value", "num2"), "std": Col("Std. dev.", "num2"), "diff": Col("Difference", "signed2"),
    "diff_ci_low": Col("95 % CI from", "signed2"), "diff_ci_high": Col("95 % CI to", "signed2"),
    "rel_diff": Col("Relative difference", "signed_share"),
    "rel_ci_low": Col("Relative, CI from", "signed_share"),
    "rel_ci_high": Col("Relative, CI to", "signed_share"),
    "p_value": Col("p-value", "pvalue"), "srm_p_value": Col("Sample-ratio p-value", "pvalue"),
    # personas and themes
    "event": Col("Event", "text"), "per_user": Col("Per user", "num2"),
    "lift": Col("Lift", "num2", "Events per user in this persona / in the whole base."),
    "k": Col("k", "int"), "silhouette": Col("Silhouette", "num3"),
    "davies_bouldin": Col("Davies–Bouldin", "num3"), "inertia": Col("Inertia", "num1"),
    "min_share": Col("Smallest group", "share"),
    "name": Col("Name", "text"), "share": Col("Share", "bar_share"),
    "mean_rating": Col("Mean rating", "num2"),
    "nps": Col("NPS", "signed0", "Net promoter score: % promoters (9–10) − % detractors (0–6)."),
    "nps_impact": Col("NPS impact", "signed1",
                      "How much the overall NPS would rise without this theme's answers."),
    "confidence": Col("Confidence", "num2"), "keywords": Col("Keywords", "list"),
    "persona": Col("Persona", "text"),
    # Kano
    "segment": Col("Segment", "text"), "feature": Col("Feature", "text"),
    "category": Col("Code", "text"), "category_name": Col("Category", "text"),
    **{c: Col(c, "int") for c in "AOMIRQ"},
    "better": Col("Better", "num3"), "worse": Col("Worse", "num3"),
    "category_strength": Col("Category strength", "share"), "total_strength": Col("Total strength", "share"),
    "significant": Col("Fong significant", "bool"), "fong_value": Col("Fong a − b", "num1"),
    "fong_threshold": Col("Fong threshold", "num1"),
    "mean_importance": Col("Importance (mean)", "num2"),
    "functional_score": Col("Functional score", "num2"),
    "dysfunctional_score": Col("Dysfunctional score", "num2"),
    # prioritisation
    "rank": Col("Rank", "int"), "req_id": Col("ID", "text"), "title": Col("Requirement", "text"),
    "score": Col("Score", "num"), "reach": Col("Reach", "num2"), "impact": Col("Impact", "num2"),
    "effort": Col("Effort", "num2"), "ease": Col("Ease", "num2"),
    "business_value": Col("Business value", "num2"), "time_criticality": Col("Time criticality", "num2"),
    "risk_reduction": Col("Risk reduction", "num2"), "job_size": Col("Job size", "num2"),
    "cost": Col("Cost", "num2"),
    "provenance": Col("Where the inputs came from", "text"), "flags": Col("Defaults used", "list"),
    "kano_feature": Col("Kano feature", "text"), "kano_category": Col("Kano", "text"),
    "quadrant": Col("Quadrant", "text"), "evidence_count": Col("Feedback items", "int"),
    "evidence_users": Col("Users asking", "int"), "personas_affected": Col("Personas", "int"),
    "weight": Col("Weight", "text"), "change": Col("Change", "text"),
    "base_value": Col("Weight before", "num2"),
    "new_value": Col("Weight after", "num2"), "entered": Col("Entered top 10", "int"),
    "left": Col("Left top 10", "int"), "moved": Col("Moved", "int"),
    "overlap": Col("Top-10 overlap", "share"), "kendall_tau": Col("Kendall τ", "num2"),
    "entered_ids": Col("Entered", "list"), "top1_changed": Col("Top item changed", "bool"),
    "feedback_id": Col("Feedback", "text"), "user_id": Col("User", "text"),
    "similarity": Col("Similarity", "num2"), "ts": Col("Written", "datetime"),
    "rating": Col("Rating", "num1"),
    "channel": Col("Channel", "text"), "text": Col("Text", "text"),
}
_PERIOD_COLUMN = re.compile(r"^p(\d+)$")
_INPUT_SUFFIXES = (("_source", "{} from"), ("_score", "{} (0–100)"))


def period_label(column: str, period: str | None) -> str | None:
    """``p3`` -> "Week 3" (or "Period 3" without a period); None for any other column name."""
    match = _PERIOD_COLUMN.match(column)
    if not match:
        return None
    return f"{(period or 'period').title()} {match.group(1)}"


def column(name: str, *, period: str | None = None) -> Col:
    """The registered display of a column; an unknown name keeps its own name (it may be the user's)."""
    if (label := period_label(name, period)) is not None:
        return Col(label, "auto")
    if name in COLUMNS:
        return COLUMNS[name]
    for suffix, template in _INPUT_SUFFIXES:
        if name.endswith(suffix) and name[: -len(suffix)] in COLUMNS:
            base = COLUMNS[name[: -len(suffix)]].label
            return Col(template.format(base), "text" if suffix == "_source" else "num1")
    return Col(name, "auto")


def _is_midnight(series: pl.Series) -> bool:
    values = series.drop_nulls()
    return values.len() > 0 and bool(
        ((values.dt.hour() == 0) & (values.dt.minute() == 0) & (values.dt.second() == 0)
         & (values.dt.microsecond() == 0)).all())


def infer(series: pl.Series) -> str:
    """The format kind of a column with no registered format, from its type and values."""
    dtype = series.dtype
    if dtype == pl.Boolean:
        return "bool"
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "num2"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "date" if _is_midnight(series) else "datetime"
    if isinstance(dtype, pl.List):
        return "list"
    return "text"


def present(frame: pl.DataFrame, *, period: str | None = None, formats: dict[str, str] | None = None,
            labels: dict[str, str] | None = None, helps: dict[str, str] | None = None,
            ) -> tuple[pl.DataFrame, dict[str, Any], int | None]:
    """A frame as a person reads it: the values to show, the column configuration and a row height.

    Parameters
    ----------
    frame : polars.DataFrame
        What an analytics function returned (machine column names, raw values).
    period : str, optional
        Names the period columns ``p0, p1, ...`` ("Week 0", "Week 1", ...).
    formats : dict, optional
        Format kind per column name (a key ``"p*"`` applies to every period column), overriding
        `COLUMNS`; kinds are the keys of `FORMATS` and `OTHER_KINDS`.
    labels, helps : dict, optional
        Label or tooltip per column name, overriding `COLUMNS` (a column whose meaning differs on one
        page, e.g. ``n`` is "Answers" in a Kano table).

    Returns
    -------
    frame : polars.DataFrame
        The values to show: shares scaled to percentages, midnight timestamps as dates, lists joined.
    column_config : dict
        ``st.dataframe`` column configuration: human label, number format, tooltip, width.
    row_height : int or None
        A taller row (text wraps) when a small table has long text, else None.
    """
    formats, labels, helps = formats or {}, labels or {}, helps or {}
    config: dict[str, Any] = {}
    columns: list[pl.Expr] = []
    wrap = False
    for name in frame.columns:
        col = column(name, period=period)
        fmt = formats.get(name) or (formats.get("p*") if _PERIOD_COLUMN.match(name) else None) or col.fmt
        if fmt == "auto":
            fmt = infer(frame[name])
        col = replace(col, label=labels.get(name, col.label), help=helps.get(name, col.help))
        expr = pl.col(name)
        kwargs = {"label": col.label, "help": col.help}
        if fmt in FORMATS:
            printf, factor = FORMATS[fmt]
            expr = (expr.cast(pl.Float64) * factor) if factor != 1.0 else expr
            config[name] = st.column_config.NumberColumn(format=printf, **kwargs)
        elif fmt == "score":
            config[name] = st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.0f",
                                                           **kwargs)
        elif fmt == "bar_share":
            expr = expr.cast(pl.Float64) * 100.0
            config[name] = st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.1f %%",
                                                           **kwargs)
        elif fmt == "date":
            if isinstance(frame.schema[name], pl.Datetime):
                expr = expr.dt.date()
            config[name] = st.column_config.DateColumn(format="YYYY-MM-DD", **kwargs)
        elif fmt == "datetime":
            config[name] = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm", **kwargs)
        elif fmt == "bool":
            config[name] = st.column_config.CheckboxColumn(**kwargs)
        else:  # text and lists
            if isinstance(frame.schema[name], pl.List):
                expr = expr.cast(pl.List(pl.Utf8)).list.join("; ")
            elif frame.schema[name] != pl.Utf8:
                expr = expr.cast(pl.Utf8)
            longest = frame.select(expr.str.len_chars().max()).item() or 0
            long_text = longest > WRAP_CHARS and frame.height <= WRAP_MAX_ROWS
            wrap = wrap or long_text
            config[name] = st.column_config.TextColumn(width="medium" if long_text else None, **kwargs)
        columns.append(expr.alias(name))
    return frame.select(columns), config, (WRAP_ROW_HEIGHT if wrap else None)


def retention_definition(k: int, unit: str = "week") -> str:
    """What "retention, week k" means wherever cohort scoring shows it (Retention page, persona cards)."""
    nth = {1: "first", 2: "second", 3: "third", 4: "fourth", 12: "twelfth"}.get(k, f"{k}th")
    return (f"Share of the group active in the {nth} calendar {unit} after the {unit} of their first event, "
            f"among users for whom that {unit} is over in the data.")


def fmt_int(value: Any) -> str:
    """12345 -> '12,345'; None -> '—'."""
    return MISSING if value is None else f"{int(value):,}"


def fmt_pct(share: Any, digits: int = 1) -> str:
    """A share 0..1 as a percentage: 0.1234 -> '12.3 %'; None -> '—'."""
    return MISSING if share is None else f"{100 * float(share):.{digits}f} %"


def fmt_signed_pct(share: Any, digits: int = 1) -> str:
    """A relative change 0..1 with its sign: 0.068 -> '+6.8 %'; None -> '—'."""
    return MISSING if share is None else f"{100 * float(share):+.{digits}f} %"


def fmt_num(value: Any, digits: int = 1) -> str:
    """12345.67 -> '12,345.7'; None -> '—'."""
    return MISSING if value is None else f"{float(value):,.{digits}f}"


def fmt_duration(seconds: Any) -> str:
    """A duration for people: seconds under a minute, minutes under an hour, else hours.

    42 -> '42 s', 0 -> '0 s', 90 -> '1.5 min', 5400 -> '1.5 h'; None -> '—'. Minutes that would
    round to "0.0 min" are shown in seconds instead.
    """
    if seconds is None:
        return MISSING
    seconds = float(seconds)
    if seconds < 59.5:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def fmt_date(value: Any) -> str:
    """A date or datetime as 'YYYY-MM-DD' (a time only when it is not midnight); None -> '—'."""
    if value is None:
        return MISSING
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}" if value.time() == datetime.min.time() else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 row', '3 rows', '1,204 feedback items' (thousands separated)."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"

"""Per-kind targets: field types, the staging query (convert + validate in one pass) and the inserts.

The staging query reads the source once into the temp table ``ul_stage`` holding, per data row,
the converted fields (``__ul_f_<field>``), the extra columns as one JSON value (``__ul_extra``),
the first reject reason (``__ul_reason``, NULL for a usable row), the source column it concerns
(``__ul_column``) and, for rejected rows only, the row's raw values as JSON (``__ul_raw``).
The inserts then copy usable rows into the target table and rejected ones into ``rejects``.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from analytics.ingest_detect import REQUIRED
from analytics.ingest_repair import FORMULA, RAW, REASON
from analytics.kano_answers import BLANKS, IMPORTANCE_RANGE, IMPORTANCE_SQL, NORMALISE_SQL
from analytics.names import DATA_KINDS
from analytics.pseudonymise import hmac_sql, redact_sql
from analytics.sqlfiles import quote_ident, quote_literal

# Field types: id (user ids), str, text (free text), ts, num, kano (answer code), importance.
FIELD_TYPES: dict[str, dict[str, str]] = {
    "events": {"user_id": "id", "event": "str", "ts": "ts", "session_id": "str"},
    "users": {"user_id": "id", "signup_ts": "ts", "first_seen": "ts"},
    "feedback": {"feedback_id": "str", "user_id": "id", "ts": "ts", "text": "text", "rating": "num",
                 "score_0_10": "num", "channel": "str"},
    "kano": {"respondent_id": "str", "feature": "str", "functional": "kano", "dysfunctional": "kano",
             "importance": "importance", "user_id": "id"},
    "requirements": {"req_id": "str", "title": "str", "description": "str", "kano_feature": "str",
                     "reach": "num", "impact": "num", "confidence": "num", "effort": "num", "cost": "num",
                     "business_value": "num", "time_criticality": "num", "risk_reduction": "num"},
}
TABLES = {kind: k.table for kind, k in DATA_KINDS.items()}
EXTRA_COLUMN = {"events": "properties", "users": "attributes", "feedback": "properties",
                "kano": "attributes", "requirements": "properties"}
UPSERT_KEY = {"users": "user_id", "requirements": "req_id"}
# Formats tried, in order, for times that are neither ISO 8601 nor epoch numbers (month first).
TS_FORMATS = ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
              "%d.%m.%Y", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y年%m月%d日 %H:%M:%S",
              "%Y年%m月%d日 %H:%M", "%Y年%m月%d日", "%d %b %Y %H:%M:%S", "%d %b %Y", "%b %d, %Y"]

# Bounds of numeric fields, (lowest, highest, lowest allowed itself): values outside are rejected with
# "<field> out of range (...)". No field takes more than 1e12 in size (reach 1e308 would score inf).
LARGEST = 1e12
RANGES: dict[tuple[str, str], tuple[float, float, bool]] = {
    ("feedback", "rating"): (-LARGEST, LARGEST, True),
    ("feedback", "score_0_10"): (0.0, 10.0, True),
    ("kano", "importance"): (*IMPORTANCE_RANGE, True),
    **{("requirements", f): (0.0, LARGEST, True) for f in ("reach", "impact", "confidence", "cost",
                                                           "business_value", "time_criticality",
                                                           "risk_reduction")},
    ("requirements", "effort"): (0.0, LARGEST, False),
}
#: Timestamps outside [start, end) are rejected ("ts out of range ..."); `--allow-dates` widens it.
DEFAULT_TS_WINDOW: tuple[date, date] = (date(1970, 1, 1), date(2100, 1, 1))
_EPOCH = "TIMESTAMPTZ '1970-01-01 00:00:00+00'"
# Integers that are calendar dates, tried before any epoch rule: yyyymmdd, yyyymm, yyyymmddHHMMSS
# (years 1900-2099; the same digits as epoch seconds would all fall in 1970).
CALENDAR_INTEGERS = ((r"(19|20)\d{6}", "%Y%m%d"), (r"(19|20)\d{4}", "%Y%m"),
                     (r"(19|20)\d{12}", "%Y%m%d%H%M%S"))


def _f(field: str) -> str:
    return quote_ident(f"__ul_f_{field}")


def _ts_sql(v: str) -> str:
    """TIMESTAMPTZ from the trimmed VARCHAR `v`: ISO (naive ones in the session TimeZone), calendar
    integers (`CALENDAR_INTEGERS`: 19970101 is a date, never epoch seconds), epoch seconds / ms / µs /
    ns by magnitude per value, then `TS_FORMATS`; NULL when nothing fits."""
    num = f"try_cast({v} AS DOUBLE)"
    whole = f"try_cast(split_part({v}, '.', 1) AS HUGEINT)"
    micros = (f"CASE WHEN abs({num}) < 1e11 THEN CAST(round({num} * 1e6) AS BIGINT)"
              f" WHEN abs({num}) < 1e14 THEN CAST(round({num} * 1e3) AS BIGINT)"
              f" WHEN abs({num}) < 1e17 THEN CAST({whole} AS BIGINT)"
              f" WHEN abs({num}) < 1e20 THEN CAST({whole} // 1000 AS BIGINT) END")
    calendar = " ".join(f"WHEN regexp_full_match({v}, '{pattern}') THEN CAST(try_strptime({v}, '{fmt}') "
                        "AS TIMESTAMPTZ)" for pattern, fmt in CALENDAR_INTEGERS)
    return (f"coalesce(try_cast({v} AS TIMESTAMPTZ), CASE WHEN regexp_full_match({v}, '-?\\d+(\\.\\d+)?')"
            f" THEN CASE {calendar} ELSE {_EPOCH} + to_microseconds({micros}) END END,"
            f" CAST(try_strptime({v}, $ul_ts_formats) AS TIMESTAMPTZ))")


def convert_sql(ftype: str, v: str, *, pseudonymise: bool) -> tuple[str, str | None]:
    """SQL converting the trimmed VARCHAR `v` (NULL when blank) to a field of type `ftype`, and an
    optional second step applied to that result ``{c}`` (dropping infinities and NaN)."""
    finite = "CASE WHEN isfinite({c}) THEN {c} END"
    if ftype == "id":
        canon = (f"CASE WHEN contains({v}, '.') THEN "
                 f"regexp_replace({v}, '^(-?\\d+)\\.0+$', '\\1') ELSE {v} END")
        return (hmac_sql(canon) if pseudonymise else canon), None
    if ftype == "text":
        return (redact_sql(v) if pseudonymise else v), None
    if ftype == "ts":
        return _ts_sql(v), finite
    if ftype == "num":
        return (f"CASE WHEN suffix({v}, '%') THEN try_cast(rtrim({v}, '%') AS DOUBLE) / 100"
                f" ELSE try_cast({v} AS DOUBLE) END"), finite
    if ftype == "kano":
        return f"$ul_kano_codes[list_position($ul_kano_keys, {NORMALISE_SQL.replace('{x}', v)})]", None
    if ftype == "importance":
        return IMPORTANCE_SQL.replace("{x}", v), finite
    return v, None


def range_sql(kind: str, fld: str, ftype: str) -> tuple[str, str] | None:
    """(SQL keeping ``{c}`` only inside the field's allowed range, reject reason) or None."""
    if ftype == "ts":
        return ("CASE WHEN {c} >= $ul_ts_min AND {c} < $ul_ts_max THEN {c} END",
                f"{fld} out of range (allowed {{window}})")
    bounds = RANGES.get((kind, fld))
    if bounds is None:
        return None
    lo, hi, closed = bounds
    shown = {LARGEST: "1e12", -LARGEST: "-1e12"}
    low, high = shown.get(lo, f"{lo:g}"), shown.get(hi, f"{hi:g}")
    allowed = f"{low} to {high}" if closed else f"above {low}, at most {high}"
    return (f"CASE WHEN {{c}} {'>=' if closed else '>'} {lo!r} AND {{c}} <= {hi!r} THEN {{c}} END",
            f"{fld} out of range ({allowed})")


def _trimmed(raw: str, ftype: str) -> str:
    """`raw` without surrounding blanks (spaces, tabs, line breaks, no-break and zero-width spaces),
    NULL when nothing is left. Values rarely have blanks, so the copy that trim() makes is paid only by
    those whose first or last character is not printable ASCII (10 M rows: seconds)."""
    blanks = quote_literal(BLANKS)
    if not raw.startswith('"'):  # constants and NULL
        return f"nullif(trim({raw}, {blanks}), '')"
    return (f"nullif(CASE WHEN ascii({raw}) NOT BETWEEN 33 AND 126 OR ascii(right({raw}, 1)) NOT BETWEEN 33 "
            f"AND 126 THEN trim({raw}, {blanks}) ELSE {raw} END, '')")


def _reason(kind: str, fld: str, ftype: str, required: bool) -> list[tuple[str, str]]:
    """(condition on v_/g_/c_ placeholders, reason) pairs for one field, in priority order: {v} is the
    trimmed text, {g} the converted value, {c} the same within its range."""
    out = []
    if required:
        out.append(("{v} IS NULL", "empty text" if ftype == "text" else f"missing {fld}"))
    if ftype in ("id", "str"):
        out.append(("contains({v}, chr(0))", f"{fld} contains a NUL character"))
    bad = {"ts": f"unparseable {fld}", "num": f"non-numeric {fld}", "importance": f"non-numeric {fld}",
           "kano": f"unrecognised {fld} answer"}.get(ftype)
    if bad:
        out.append(("{v} IS NOT NULL AND {g} IS NULL", bad))
    ranged = range_sql(kind, fld, ftype)
    if ranged:
        out.append(("{g} IS NOT NULL AND {c} IS NULL", ranged[1]))
    return out


@dataclass
class StagePlan:
    """What `stage_sql` needs: raw SQL per field, the source label per field, extra and raw columns."""

    kind: str
    raw: dict[str, str]  # field -> SQL giving the raw VARCHAR (column, $param constant, or NULL)
    label: dict[str, str]  # field -> source column name or "--set field" (for rejects.column_name)
    extras: list[tuple[str, str]]  # (JSON key, relation column) going into the extra JSON
    raw_columns: list[tuple[str, str]]  # (JSON key, relation column) making up rejects.raw_line
    relation: str  # FROM clause
    pseudonymise: bool
    raw_for_all: bool = False  # keep raw_line for every row (upsert kinds mark duplicates later)
    keep: list[str] = field(default_factory=list)  # relation columns copied into the stage as they are
    checked: bool = False  # the relation has __ul_src_reason / __ul_src_raw / __ul_src_formula
    formula: dict[str, str] = field(default_factory=dict)  # field -> source column (XLSX formula check)
    ts_window: tuple[date, date] = DEFAULT_TS_WINDOW


def _source_cases(plan: StagePlan) -> list[tuple[str, str, str | None]]:
    """Reasons the reader found (malformed line, uncached formula), before any field's own."""
    if not plan.checked:
        return []
    cases = [(f"{REASON} IS NOT NULL", REASON, None)]
    for fld, col in plan.formula.items():
        cases.append((f"contains(coalesce({FORMULA}, ''), chr(31) || {quote_literal(col)} || chr(31))",
                      quote_literal(f"formula without a saved value in {fld} (open and save the workbook "
                                    "in Excel, or export it as CSV)"), col))
    return cases


def select_sql(plan: StagePlan, *, marked: bool = False) -> str:
    """The query converting, validating and keeping the extras of every source row, in one pass.

    CTEs: vals (trimmed text per field) -> conv (converted) -> fin (finite and range checks) -> chk
    (reason). Output: the ``__ul_f_<field>`` columns, the kept columns, __ul_extra, __ul_reason,
    __ul_column and __ul_raw. With `marked`, no reasons, only a boolean __ul_bad: cheaper than the
    CASE naming the first failed check, and unlike a WHERE clause it is not pushed below the
    projections, where DuckDB would convert every value twice.
    """
    types = FIELD_TYPES[plan.kind]
    required = set(REQUIRED[plan.kind])
    window = f"{plan.ts_window[0].isoformat()} to {plan.ts_window[1].isoformat()}"
    vals, conv, fin, rng = [], [], [], []
    cases = _source_cases(plan)
    for fld, ftype in types.items():
        raw = plan.raw.get(fld, "CAST(NULL AS VARCHAR)")
        v, p, g, f = (quote_ident(f"__ul_{x}_{fld}") for x in "vpgf")
        vals.append(f"{_trimmed(raw, ftype)} AS {v}")
        expr, post = convert_sql(ftype, v, pseudonymise=plan.pseudonymise)
        conv.append(f"{expr} AS {p}")
        checked = post.format(c=p) if post else p
        ranged = range_sql(plan.kind, fld, ftype)
        if ranged:  # g: converted and finite; f: also within the allowed range
            fin.append(f"{checked} AS {g}")
            rng.append(f"{ranged[0].format(c=g)} AS {f}")
        else:
            fin.append(f"{checked} AS {f}")
            g = f
        for cond, reason in _reason(plan.kind, fld, ftype, fld in required):
            cases.append((cond.format(v=v, g=g, c=f), quote_literal(reason.format(window=window)),
                          plan.label.get(fld)))
    reason = "CASE " + " ".join(f"WHEN {t} THEN {r}" for t, r, _ in cases) + " END" if cases else "NULL"
    column = ("CASE " + " ".join(f"WHEN {t} THEN {quote_literal(c) if c else 'NULL'}" for t, _, c in cases)
              + " END" if cases else "NULL")
    extra = ("json_object(" + ", ".join(f"{quote_literal(k)}, {quote_ident(c)}" for k, c in plan.extras) + ")"
             if plan.extras else "CAST(NULL AS JSON)")
    pairs = ", ".join(f"{quote_literal(k)}, {quote_ident(c)}" for k, c in plan.raw_columns)
    raw_json = f"CAST(json_object({pairs}) AS VARCHAR)" if plan.raw_columns else "CAST(NULL AS VARCHAR)"
    if plan.checked:
        raw_json = f"coalesce({RAW}, {raw_json})"
    raw_when = "TRUE" if plan.raw_for_all else "__ul_reason IS NOT NULL"
    source_cols = [REASON, RAW, FORMULA] if plan.checked else []
    passthrough = "".join(", " + quote_ident(c) for c in dict.fromkeys(
        [c for _, c in plan.extras] + [c for _, c in plan.raw_columns] + plan.keep + source_cols))
    out_cols = ", ".join([_f(fld) for fld in types] + [quote_ident(c) for c in plan.keep])
    ctes = (
        f"WITH vals AS (SELECT {', '.join(vals)}{passthrough} FROM {plan.relation}),\n"
        f"conv AS (SELECT *, {', '.join(conv)} FROM vals),\n"
        f"fin AS (SELECT *, {', '.join(fin)} FROM conv)\n")
    if rng:
        ctes += f", rng AS (SELECT *, {', '.join(rng)} FROM fin)\n"
    last = "rng" if rng else "fin"
    if marked:
        bad = " OR ".join(f"({t})" for t, _, _ in cases) or "FALSE"
        return ctes + f"SELECT {out_cols}, {extra} AS __ul_extra, {bad} AS __ul_bad FROM {last}"
    return (
        ctes + f", chk AS (SELECT *, {reason} AS __ul_reason, {column} AS __ul_column FROM {last})\n"
        f"SELECT {out_cols}, {extra} AS __ul_extra, __ul_reason, __ul_column,\n"
        f"  CASE WHEN {raw_when} THEN {raw_json} END AS __ul_raw FROM chk"
    )


def stage_sql(plan: StagePlan) -> str:
    """CREATE TEMP TABLE ul_stage with every row converted (in file order: rowid gives the row number
    unless the relation numbers its rows itself, ``__ul_row``)."""
    return "CREATE OR REPLACE TEMP TABLE ul_stage AS\n" + select_sql(plan)


def reject_stage_sql(plan: StagePlan) -> str:
    """CREATE TEMP TABLE ul_stage with only the reject columns of every row (the streaming path)."""
    keep = "".join(", " + quote_ident(c) for c in plan.keep)
    return ("CREATE OR REPLACE TEMP TABLE ul_stage AS SELECT __ul_reason, __ul_column, "
            f"__ul_raw{keep} FROM (\n" + select_sql(plan) + ")")


def stream_insert_sql(plan: StagePlan) -> str:
    """INSERT of every row straight from the source into events, without a staging table: usable
    rows get batch_id $ul_batch, unusable ones placeholders and batch_id -$ul_batch, to be deleted
    (with `STREAM_DROP_SQL`) in the same transaction once they are recorded as rejects."""
    f = _f
    return ("INSERT INTO events (user_id, event, ts, session_id, properties, batch_id) "
            f"SELECT coalesce({f('user_id')}, ''), coalesce({f('event')}, ''), "
            f"coalesce({f('ts')}, {_EPOCH}), "
            f"{f('session_id')}, __ul_extra, CASE WHEN __ul_bad THEN -$ul_batch ELSE $ul_batch END FROM (\n"
            + select_sql(plan, marked=True) + ")")


STREAM_BAD_SQL = "SELECT count(*) FROM events WHERE batch_id = -$ul_batch"
STREAM_DROP_SQL = "DELETE FROM events WHERE batch_id = -$ul_batch"


def dedupe_sql(kind: str) -> str | None:
    """Marks all but the last row of a key repeated within the file (upsert kinds), else None."""
    key = UPSERT_KEY.get(kind)
    if key is None:
        return None
    return (f"UPDATE ul_stage SET __ul_reason = 'duplicate {key} (a later row wins)' "
            "WHERE __ul_reason IS NULL AND rowid IN (SELECT rid FROM (SELECT rowid AS rid, "
            f"row_number() OVER (PARTITION BY {_f(key)} ORDER BY rowid DESC) AS rn FROM ul_stage "
            "WHERE __ul_reason IS NULL) WHERE rn > 1)")


def insert_sql(kind: str, row_expr: str) -> str:
    """INSERT of the usable staged rows into the kind's table ($ul_batch is the batch id)."""
    f = _f
    generated = f"CAST($ul_batch AS VARCHAR) || '-' || CAST({row_expr} AS VARCHAR)"
    if kind == "events":
        return ("INSERT INTO events (user_id, event, ts, session_id, properties, batch_id) "
                f"SELECT {f('user_id')}, {f('event')}, {f('ts')}, {f('session_id')}, __ul_extra, $ul_batch "
                "FROM ul_stage WHERE __ul_reason IS NULL")
    if kind == "users":
        return ("INSERT INTO users (user_id, first_seen, signup_ts, attributes, batch_id) "
                f"SELECT {f('user_id')}, {f('first_seen')}, {f('signup_ts')}, __ul_extra, $ul_batch "
                "FROM ul_stage WHERE __ul_reason IS NULL ON CONFLICT (user_id) DO UPDATE SET "
                "first_seen = coalesce(excluded.first_seen, users.first_seen), "
                "signup_ts = coalesce(excluded.signup_ts, users.signup_ts), "
                "attributes = CASE WHEN users.attributes IS NULL THEN excluded.attributes "
                "WHEN excluded.attributes IS NULL THEN users.attributes "
                "ELSE json_merge_patch(users.attributes, excluded.attributes) END, "
                "batch_id = excluded.batch_id")
    if kind == "feedback":
        fid = f"coalesce({f('feedback_id')}, {generated})"
        return ("INSERT INTO feedback (feedback_id, user_id, ts, text, rating, score_0_10, channel, "
                f"properties, batch_id) SELECT {fid}, {f('user_id')}, {f('ts')}, {f('text')}, {f('rating')}, "
                f"{f('score_0_10')}, {f('channel')}, __ul_extra, $ul_batch FROM ul_stage "
                "WHERE __ul_reason IS NULL")
    if kind == "kano":
        rid = f"coalesce({f('respondent_id')}, {generated})"
        return ("INSERT INTO kano_responses (respondent_id, feature, functional, dysfunctional, importance, "
                f"user_id, attributes, batch_id) SELECT {rid}, {f('feature')}, {f('functional')}, "
                f"{f('dysfunctional')}, {f('importance')}, {f('user_id')}, __ul_extra, $ul_batch "
                "FROM ul_stage WHERE __ul_reason IS NULL")
    cols = list(FIELD_TYPES["requirements"])
    sets = ", ".join(f"{c} = coalesce(excluded.{c}, requirements.{c})" for c in cols[1:])
    return (f"INSERT INTO requirements ({', '.join(cols)}, properties, batch_id) "
            f"SELECT {', '.join(f(c) for c in cols)}, __ul_extra, $ul_batch FROM ul_stage "
            f"WHERE __ul_reason IS NULL ON CONFLICT (req_id) DO UPDATE SET {sets}, "
            "properties = coalesce(excluded.properties, requirements.properties), "
            "batch_id = excluded.batch_id")


def rejects_sql(row_expr: str) -> str:
    """INSERT of the rejected staged rows into rejects."""
    return ("INSERT INTO rejects (batch_id, row_number, raw_line, reason, column_name) "
            f"SELECT $ul_batch, {row_expr}, __ul_raw, __ul_reason, __ul_column FROM ul_stage "
            "WHERE __ul_reason IS NOT NULL")


_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_EPOCH_UNITS = ((1e11, "seconds", 1), (1e14, "milliseconds", 1e3), (1e17, "microseconds", 1e6),
                (1e20, "nanoseconds", 1e9))


def describe_times(values: list[str | None]) -> tuple[str | None, bool]:
    """How the numbers among sampled time values are read, as a sentence, and whether the rule chosen
    was a calendar-integer one (which epoch seconds could also have meant). (None, False) when the
    sample holds no plain numbers. Mirrors `_ts_sql`."""
    numbers = [v.strip(BLANKS) for v in values if v and _NUMBER.fullmatch(v.strip(BLANKS))]
    if not numbers:
        return None, False
    for pattern, fmt in CALENDAR_INTEGERS:
        hits = [v for v in numbers if re.fullmatch(pattern, v)]
        valid = []
        for v in hits:
            with contextlib.suppress(ValueError):
                valid.append((v, datetime.strptime(v, fmt)))
        if valid:
            example, when = valid[0]
            shape = fmt.replace("%Y", "yyyy").replace("%m", "mm").replace("%d", "dd").replace(
                "%H", "HH").replace("%M", "MM").replace("%S", "SS")
            shown = when.isoformat(sep=" ") if "%H" in fmt else when.date().isoformat()
            return (f"{len(valid)} of {len(numbers)} sampled numbers are {shape} dates (e.g. {example} -> "
                    f"{shown}), read as dates, not as epoch seconds", True)
    example = numbers[0]
    magnitude = abs(float(example))
    unit, scale = next(((u, s) for top, u, s in _EPOCH_UNITS if magnitude < top), ("nanoseconds", 1e9))
    try:
        when = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=float(example) / scale)
        shown = when.isoformat(sep=" ")
    except (OverflowError, ValueError):
        shown = "out of range"
    return f"numbers read as epoch {unit} (e.g. {example} -> {shown})", False

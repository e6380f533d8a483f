"""Names shared by the CLI, the pages, the figures and the report, declared once (docs/DESIGN.md §9).

The data kinds (their table, labels, help and required fields), the prioritisation method labels, the
Kano category names, the period-column naming of a retention matrix and the one timezone check live
here so that no two modules spell them differently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analytics.errors import UserLensError

@dataclass(frozen=True)
class DataKind:
    """One kind of data a person uploads (`userlens ingest KIND FILE`, the Data page)."""

    table: str  # the workspace table it lands in
    label: str  # the table's name in a list of tables ("Kano answers")
    short: str  # a few words after the kind's name in a picker
    help: str  # what a file of this kind holds, for empty states and the Data page
    required: tuple[str, ...]  # fields every row needs (DESIGN §2)


DATA_KINDS: dict[str, DataKind] = {
    "events": DataKind("events", "Events", "behaviour log (user, event, time)",
                       "a behaviour log: one row per event with a user id, an event name and a timestamp",
                       ("user_id", "event", "ts")),
    "users": DataKind("users", "Users", "one row per user with attributes",
                      "one row per user: user id, signup time and any attributes "
                      "(plan, country, variant ...)",
                      ("user_id",)),
    "feedback": DataKind("feedback", "Feedback", "free-text feedback",
                         "free-text feedback: text, and optionally user id, time, rating, NPS score, channel",
                         ("text",)),
    "kano": DataKind("kano_responses", "Kano answers", "Kano survey answers",
                     "Kano survey answers: feature, functional and dysfunctional answer (long) or "
                     "`<feature>_functional` / `<feature>_dysfunctional` columns (wide)",
                     ("feature", "functional", "dysfunctional")),
    "requirements": DataKind("requirements", "Requirements", "the backlog",
                             "the backlog: requirement id, title, description and any of reach, impact, "
                             "confidence, effort, business value, time criticality, risk reduction",
                             ("req_id",)),
}
TABLE_LABELS: dict[str, str] = {k.table: k.label for k in DATA_KINDS.values()}

#: Prioritisation method -> the label a person reads (the method codes are `prioritise.METHODS`).
METHOD_LABELS: dict[str, str] = {
    "rice": "RICE",
    "ice": "ICE",
    "wsjf": "WSJF",
    "value-effort": "Value / effort",
    "weighted": "Weighted scoring",
    "kano": "Kano-weighted",
}

#: Kano category code -> its name in running text (lower case; `kano_title` capitalises it).
KANO_NAMES: dict[str, str] = {
    "A": "attractive", "O": "one-dimensional", "M": "must-be",
    "I": "indifferent", "R": "reverse", "Q": "questionable",
}


def kano_title(code: str) -> str:
    """The category name as a heading or label (``"M"`` -> ``"Must-be"``); unknown codes pass through."""
    name = KANO_NAMES.get(code)
    return code if name is None else name[0].upper() + name[1:]


def period_column(k: int) -> str:
    """The name of column k of a retention matrix (``p0`` is the cohort size)."""
    return f"p{k}"


def is_period_column(name: str) -> bool:
    """True for ``p0``, ``p1``, ...: the period columns of a retention matrix."""
    return name.startswith("p") and name[1:].isdigit()


def period_columns(columns: Iterable[str] | object) -> list[str]:
    """The period columns (``p0``, ``p1``, ...) of a frame, a row dict or a list of names, in order."""
    names = getattr(columns, "columns", columns)
    return [c for c in names if is_period_column(c)]  # type: ignore[union-attr]


def period_index(name: str) -> int:
    """k of a period column ``pk``."""
    return int(name[1:])


UTC_ALIASES = frozenset({"utc", "etc/utc", "etc/uct", "uct", "zulu", "etc/zulu", "universal",
                         "etc/universal", "gmt", "etc/gmt", "greenwich", "etc/greenwich", "gmt0",
                         "etc/gmt0", "gmt+0", "gmt-0"})


def check_timezone(value: object) -> str:
    """An IANA timezone name (UTC aliases become ``'UTC'``), else a UserLensError saying what to write."""
    text = str(value)
    if text.lower() in UTC_ALIASES:
        return "UTC"
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UserLensError(f"Unknown timezone {text!r}: use an IANA name such as 'Europe/Berlin' or 'UTC'."
                            ) from exc
    return text

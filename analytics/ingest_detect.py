"""Header-based column mapping: which source column feeds which canonical field of a kind.

Headers are compared after lower-casing and dropping everything but letters and digits, so
"Customer ID", "customer_id" and "CustomerID" are the same name. Each source column feeds at most
one field; fields are filled in the order of `FIELD_CANDIDATES`, each taking its best-ranked match
among the columns that are filled in at least `MIN_FILL` of the sampled rows (an almost empty column
is taken only when no filled one matches: a chat export's `name` column, empty in nearly every row,
must not become the event). `guess_kind` tells from a file's name and columns what it holds.
"""

from __future__ import annotations

import re

from analytics.errors import InputFileError, UserLensError
from analytics.names import DATA_KINDS

_USER = ("userid", "user", "uid", "userpseudoid", "customerid", "customer", "distinctid", "personid",
         "memberid", "accountid", "clientid", "visitorid", "reviewerid", "用户id", "用户", "用户编号")
_TIME = ("ts", "timestamp", "time", "eventtimestamp", "eventtime", "datetime", "date", "createdat",
         "created", "occurredat", "invoicedate", "eventdate", "timestamputc", "时间", "日期", "创建时间")

FIELD_CANDIDATES: dict[str, dict[str, tuple[str, ...]]] = {
    "events": {
        "user_id": _USER,
        "event": ("event", "eventname", "eventtype", "action", "name", "activity", "eventaction",
                  "事件", "事件名称", "行为", "type", "subtype", "messagetype"),
        "ts": _TIME,
        "session_id": ("sessionid", "session", "gasessionid", "visitid", "会话", "会话id"),
    },
    "users": {
        "user_id": _USER,
        "signup_ts": ("signupts", "signup", "signupdate", "signupat", "signedupat", "registered",
                      "registrationdate", "registeredat", "createdat", "created", "joined", "joinedat",
                      "注册时间", "注册日期"),
        "first_seen": ("firstseen", "firstseenat", "firstactive", "firstvisit", "首次访问"),
    },
    "feedback": {
        "feedback_id": ("feedbackid", "id", "reviewid", "commentid", "ticketid", "responseid", "反馈id"),
        "user_id": _USER,
        "ts": _TIME + ("submittedat", "reviewdate"),
        "text": ("text", "feedback", "comment", "comments", "review", "reviewtext", "translatedreview",
                 "content", "body", "message", "response", "answer", "verbatim", "评论", "内容", "反馈",
                 "评价"),
        "rating": ("rating", "stars", "star", "score", "reviewscore", "评分", "星级"),
        "score_0_10": ("score010", "nps", "npsscore", "likelihoodtorecommend", "recommend", "推荐分"),
        "channel": ("channel", "source", "platform", "渠道", "来源"),
    },
    "kano": {
        "respondent_id": ("respondentid", "respondent", "participant", "participantid", "responseid",
                          "id", "受访者", "受访者id"),
        "feature": ("feature", "attribute", "question", "item", "featurename", "功能", "特性", "需求"),
        "functional": ("functional", "func", "functionalanswer", "positive", "正向", "正向问题", "功能性"),
        "dysfunctional": ("dysfunctional", "dysfunc", "dysfunctionalanswer", "negative", "反向", "反向问题",
                          "非功能性"),
        "importance": ("importance", "selfstatedimportance", "weight", "重要性", "重要程度"),
        "user_id": tuple(c for c in _USER if c != "uid") + ("uid",),
    },
    "requirements": {
        "req_id": ("reqid", "requirementid", "id", "key", "issuekey", "issueid", "ticket", "需求id", "编号"),
        "title": ("title", "name", "summary", "requirement", "标题", "名称"),
        "description": ("description", "details", "body", "desc", "描述", "说明"),
        "kano_feature": ("kanofeature", "feature", "kano", "kanoattribute"),
        "reach": ("reach", "覆盖"),
        "impact": ("impact", "影响"),
        "confidence": ("confidence", "信心"),
        "effort": ("effort", "jobsize", "size", "personmonths", "工作量"),
        "cost": ("cost", "成本"),
        "business_value": ("businessvalue", "value", "userbusinessvalue", "bv", "业务价值"),
        "time_criticality": ("timecriticality", "urgency", "tc", "紧迫性"),
        "risk_reduction": ("riskreduction", "riskreductionopportunityenablement", "rroe", "rr"),
    },
}
REQUIRED: dict[str, tuple[str, ...]] = {kind: k.required for kind, k in DATA_KINDS.items()}
KINDS = tuple(FIELD_CANDIDATES)
MIN_FILL = 0.5  # a mapped column filled in less of the sampled rows is avoided and warned about
# File-name words that say what a file holds, tried in order before its columns are looked at.
NAME_HINTS: tuple[tuple[str, str], ...] = (
    ("kano", "kano"), ("survey", "kano"), ("requirement", "requirements"), ("backlog", "requirements"),
    ("feedback", "feedback"), ("review", "feedback"), ("comment", "feedback"), ("event", "events"),
    ("user", "users"), ("customer", "users"))

_WIDE = re.compile(r"^(?P<feature>.*?)[\s_\-:./|]*(?P<part>dysfunctional|dysfunc|functional|func|importance"
                   r"|正向|反向|重要性)$", re.IGNORECASE)
_PARTS = {"dysfunctional": "dysfunctional", "dysfunc": "dysfunctional", "functional": "functional",
          "func": "functional", "importance": "importance", "正向": "functional", "反向": "dysfunctional",
          "重要性": "importance"}


def normalise_header(name: str) -> str:
    """Lower case, letters and digits only ("Customer ID" -> "customerid")."""
    return "".join(ch for ch in str(name).lower() if ch.isalnum())


def check_kind(kind: str) -> str:
    """The kind, or a UserLensError listing the kinds."""
    if kind not in FIELD_CANDIDATES:
        raise UserLensError(f"Unknown kind {kind!r}: use one of {', '.join(KINDS)}.")
    return kind


def detect_fields(columns: list[str], kind: str,
                  fill: dict[str, float] | None = None) -> dict[str, str | None]:
    """Field -> source column (or None) from header names, preferring filled columns.

    Parameters
    ----------
    columns : list of str
        The file's column names.
    kind : str
        events, users, feedback, kano or requirements.
    fill : dict, optional
        Column -> share of sampled rows where it has a value; columns filled in less than `MIN_FILL`
        are taken only when no better-filled column matches the field's names.
    """
    taken: set[str] = set()
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(normalise_header(col), col)
    out: dict[str, str | None] = {}
    for fld, candidates in FIELD_CANDIDATES[check_kind(kind)].items():
        ranked = [by_norm[c] for c in candidates if c in by_norm and by_norm[c] not in taken]
        filled = [c for c in ranked if fill is None or fill.get(c, 1.0) >= MIN_FILL]
        out[fld] = (filled or ranked or [None])[0]
        if out[fld] is not None:
            taken.add(out[fld])
    return out


def guess_kind(file_name: str, columns: list[str], fill: dict[str, float] | None = None) -> str:
    """The kind a file most likely holds: from words in its name (`NAME_HINTS`), else the kind whose
    required fields all match its columns, with the most fields found (ties: the order of `KINDS`)."""
    lower = file_name.lower()
    for hint, kind in NAME_HINTS:
        if hint in lower:
            return kind
    best, best_score = KINDS[0], -1
    for kind in KINDS:
        fields = detect_fields(columns, kind, fill)
        found = sum(v is not None for v in fields.values())
        wide = kind == "kano" and any({"functional", "dysfunctional"} <= set(parts)
                                      for parts in wide_kano_features(columns).values())
        complete = wide or all(fields.get(f) for f in REQUIRED[kind])
        score = found + (100 if complete else 0)
        if score > best_score:
            best, best_score = kind, score
    return best


def _column_named(name: str, columns: list[str]) -> str | None:
    """The column a person means by `name`: the exact one, else the only one equal after
    normalisation ("customer id" for "Customer ID")."""
    if name in columns:
        return name
    same = [c for c in columns if normalise_header(c) == normalise_header(name) and normalise_header(name)]
    return same[0] if len(same) == 1 else None


def wide_kano_features(columns: list[str]) -> dict[str, dict[str, str]]:
    """Wide Kano surveys: feature -> {"functional": col, "dysfunctional": col, ["importance": col]}."""
    found: dict[str, dict[str, str]] = {}
    for col in columns:
        match = _WIDE.match(str(col).strip())
        if not match or not match.group("feature").strip():
            continue
        part = _PARTS[match.group("part").lower()]
        found.setdefault(match.group("feature").strip(), {})[part] = col
    return found


def resolve_mapping(columns: list[str], kind: str, mapping: dict[str, str] | None,
                    constants: dict[str, str] | None, file: str,
                    fill: dict[str, float] | None = None) -> dict[str, str | None]:
    """Detected mapping with the user's `mapping` and `constants` applied and checked.

    Raises
    ------
    UserLensError
        A field that the kind does not have.
    InputFileError
        A mapped column that the file does not have (the message lists the columns; a name is
        matched exactly, else ignoring case, spaces and punctuation).
    """
    fields = FIELD_CANDIDATES[check_kind(kind)]
    for name in list(mapping or {}) + list(constants or {}):
        if name not in fields:
            raise UserLensError(f"{kind} has no field {name!r}: the fields are {', '.join(fields)}.")
    out = detect_fields(columns, kind, fill)
    for fld, wanted in (mapping or {}).items():
        col = _column_named(wanted, columns)
        if col is None:
            hint = f"Available columns: {', '.join(map(repr, columns))}."
            if len(columns) == 1 and wanted in str(columns[0]):
                hint = (f"The header was read as one column {columns[0]!r}: the delimiter is not the one "
                        "detected; choose it with --delimiter (comma, tab, semicolon, pipe, whitespace).")
            raise InputFileError(f"has no column {wanted!r} (mapped to {fld})", file=file, hint=hint)
        for other, used in out.items():
            if used == col and other != fld and other not in (mapping or {}):
                out[other] = None  # the user's choice wins over detection
        out[fld] = col
    for fld in constants or {}:
        out[fld] = None
    return out

"""Kano answer wordings (English and Chinese) -> answer codes 1..5, and importance labels -> numbers.

Codes (DESIGN §2): 1 like, 2 must-be (expect), 3 neutral, 4 live-with (tolerate), 5 dislike.
Matching ignores case, spaces and punctuation, so "I like it that way." and "i like it that way"
are the same answer. The digits "1".."5" (or "3.0") are accepted as codes; any other text with a
digit is not an answer, so "-1" or "10" never become "like" once punctuation is dropped. The SQL
side applies the same normalisation (`NORMALISE_SQL`) and looks the key up in `KANO_KEYS` / `KANO_CODES`.
"""

from __future__ import annotations

import re

LIKE, MUST_BE, NEUTRAL, LIVE_WITH, DISLIKE = 1, 2, 3, 4, 5

_WORDINGS: dict[int, tuple[str, ...]] = {
    LIKE: (
        "like", "I like it", "I like it that way", "I would like it", "I would like it that way",
        "I like it this way", "I enjoy it", "It would please me", "I would be pleased", "delighted",
        "satisfied", "I am satisfied", "I'd like it",
        "喜欢", "我喜欢", "很喜欢", "非常喜欢", "我很喜欢", "满意", "非常满意", "我会很满意",
    ),
    MUST_BE: (
        "must-be", "must be", "expect", "expected", "I expect it", "I expect it that way",
        "I expect it to be that way", "It must be that way", "It must be", "I must be that way",
        "It is a basic requirement", "basic requirement", "necessity", "It is necessary",
        "理所当然", "必须的", "必须", "必须这样", "应该的", "应该这样", "理应如此", "必备",
        "期望", "我期望", "我期望这样",
    ),
    NEUTRAL: (
        "neutral", "I am neutral", "I'm neutral", "I don't care", "I do not care", "indifferent",
        "I am indifferent", "It doesn't matter", "It does not matter", "no feeling", "I have no feeling",
        "无所谓", "中立", "无差别", "我无所谓", "不在乎", "没感觉", "都可以", "一般",
    ),
    LIVE_WITH: (
        "live with", "live-with", "tolerate", "I can live with it", "I can live with it that way",
        "I can tolerate it", "I can tolerate it that way", "I can accept it", "I tolerate it",
        "acceptable", "I'd live with it",
        "能忍受", "可以忍受", "勉强接受", "能接受", "可以接受", "我能忍受", "我可以忍受", "忍受",
    ),
    DISLIKE: (
        "dislike", "I dislike it", "I dislike it that way", "I don't like it", "I do not like it",
        "I don't like it that way", "I do not like it that way", "I hate it", "It bothers me",
        "I would be dissatisfied", "dissatisfied", "I am dissatisfied",
        "不喜欢", "我不喜欢", "很不喜欢", "非常不喜欢", "讨厌", "不满意", "非常不满意", "我会不满意",
    ),
}

# Blank characters around a value: spaces, tabs, line breaks, no-break and zero-width spaces, BOM.
BLANKS = " \t\r\n\v\f\u00a0\u200b\u200c\u200d\u2060\ufeff\u3000"
_CODE = r"[1-5](\.0+)?"
# One rule for Python and DuckDB (RE2): a code is exactly 1..5 (a spreadsheet may write 3.0); any
# other text with a digit is no answer ("-1" is not "1"); wordings drop every non-letter character.
_STRIP = r"[^\p{L}\p{N}]+"
NORMALISE_SQL = ("CASE WHEN regexp_full_match(trim({x}, '" + BLANKS + "'), '" + _CODE + "') "
                 "THEN left(trim({x}, '" + BLANKS + "'), 1) WHEN regexp_matches({x}, '[0-9]') THEN '' "
                 "ELSE regexp_replace(lower({x}), '" + _STRIP + "', '', 'g') END")


def normalise_answer(text: str) -> str:
    """The lookup key of an answer: "1".."5" for a code, "" for other text with a digit ("-1"),
    else lower case with every non-letter, non-digit character removed ("I like it!" -> "ilikeit")."""
    value = str(text).strip(BLANKS)
    if re.fullmatch(_CODE, value):
        return value[0]
    if re.search("[0-9]", value):
        return ""
    return "".join(ch for ch in value.lower() if ch.isalnum())


def _table() -> dict[str, int]:
    out: dict[str, int] = {str(code): code for code in range(1, 6)}
    for code, words in _WORDINGS.items():
        for word in words:
            key = normalise_answer(word)
            if out.get(key, code) != code:
                raise ValueError(f"Kano wording {word!r} maps to two codes")
            out[key] = code
    return out


ANSWER_CODES: dict[str, int] = _table()
KANO_KEYS: list[str] = list(ANSWER_CODES)
KANO_CODES: list[int] = [ANSWER_CODES[k] for k in KANO_KEYS]


def answer_code(text: str | int | None) -> int | None:
    """The code 1..5 of a Kano answer, or None when the wording is not recognised.

    Parameters
    ----------
    text : str, int or None
        An answer as exported by a survey tool, e.g. ``"I like it that way"``, ``"能忍受"`` or ``3``.

    Returns
    -------
    int or None
        1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike; None for blank or unknown answers.
    """
    if text is None:
        return None
    return ANSWER_CODES.get(normalise_answer(str(text)))


#: Self-stated importance is accepted on survey scales within 0..10 (1-5, 1-7, 1-9, 0-10); 999 or -5
#: is rejected.
IMPORTANCE_RANGE: tuple[float, float] = (0.0, 10.0)
_LEADING_NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)")
IMPORTANCE_SQL = r"try_cast(regexp_extract({x}, '^\s*(-?\d+(\.\d+)?)', 1) AS DOUBLE)"


def importance_value(text: str | float | None) -> float | None:
    """The number at the start of an importance label ("9 - Extremely important" -> 9.0), else None.

    Parameters
    ----------
    text : str, float or None
        A self-stated importance as exported by the survey tool.

    Returns
    -------
    float or None
        The leading number, or None when the label does not start with one.
    """
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return float(text)
    match = _LEADING_NUMBER.match(text)
    return float(match.group(1)) if match else None

"""Kano wording -> code table (EN + ZH), and importance labels."""

from __future__ import annotations

import duckdb
import pytest

from analytics.kano_answers import (
    ANSWER_CODES,
    IMPORTANCE_SQL,
    KANO_CODES,
    KANO_KEYS,
    NORMALISE_SQL,
    answer_code,
    importance_value,
    normalise_answer,
)

DESIGN_WORDINGS = {
    "I like it": 1,
    "I like it that way": 1,
    "I expect it": 2,
    "I must be that way": 2,
    "I am neutral": 3,
    "I can tolerate it": 4,
    "I can live with it that way": 4,
    "I dislike it": 5,
    "I dislike it that way": 5,
    "喜欢": 1,
    "理所当然": 2,
    "无所谓": 3,
    "能忍受": 4,
    "不喜欢": 5,
}


@pytest.mark.parametrize("text, code", sorted(DESIGN_WORDINGS.items()))
def test_design_wordings(text: str, code: int) -> None:
    assert answer_code(text) == code
    assert answer_code(text.upper() + " !") == code
    assert answer_code(f"  {text.lower()}. ") == code


def test_codes_unknown_and_blank() -> None:
    assert [answer_code(str(c)) for c in range(1, 6)] == [1, 2, 3, 4, 5]
    assert answer_code(3) == 3
    assert answer_code("I adore it") is None and answer_code("") is None and answer_code(None) is None
    assert answer_code("6") is None


def test_dislike_is_not_like() -> None:
    # "I don't like it" must not fall back to "like" after punctuation is stripped
    assert answer_code("I don't like it") == 5 and answer_code("不喜欢") == 5 and answer_code("喜欢") == 1


def test_sql_normalisation_matches_python() -> None:
    con = duckdb.connect()
    samples = ["I like it, that way!", "  I AM NEUTRAL. ", "我  能忍受。", "Must-be", "I don't care"]
    for s in samples:
        sql = NORMALISE_SQL.replace("{x}", "$s")
        assert con.execute(f"SELECT {sql}", {"s": s}).fetchall()[0][0] == normalise_answer(s)
    # the lookup used by ingestion
    got = con.execute(
        "SELECT $codes[list_position($keys, $k)]",
        {"codes": KANO_CODES, "keys": KANO_KEYS, "k": normalise_answer("I can live with it")},
    )
    assert got.fetchall()[0][0] == 4
    assert len(KANO_KEYS) == len(ANSWER_CODES)


@pytest.mark.parametrize(
    "label, value",
    [
        ("9 - Extremely important", 9.0),
        ("1 – Not at all important", 1.0),
        (" 4.5 ", 4.5),
        ("7", 7.0),
        (3, 3.0),
        ("very", None),
        (None, None),
    ],
)
def test_importance_labels(label, value) -> None:
    assert importance_value(label) == value
    if isinstance(label, str):
        con = duckdb.connect()
        assert (
            con.execute(f"SELECT {IMPORTANCE_SQL.replace('{x}', '$s')}", {"s": label}).fetchall()[0][0]
            == value
        )


@pytest.mark.parametrize("text, code", [("-1", None), ("10", None), ("+1", None), ("1.5", None),
                                        ("0", None), ("3.0", 3), (" 4 ", 4), ("\u00a02\u200b", 2),
                                        ("1 - I like it", None)])
def test_numbers_are_codes_only_when_exactly_one_to_five(text: str, code: int | None) -> None:
    # punctuation is dropped from wordings, never from numbers: "-1" is not the code 1 (like)
    assert answer_code(text) == code
    con = duckdb.connect()
    got = con.execute(f"SELECT $codes[list_position($keys, {NORMALISE_SQL.replace('{x}', '$s')})]",
                      {"codes": KANO_CODES, "keys": KANO_KEYS, "s": text}).fetchall()[0][0]
    assert got == code

"""Dialect sniffing on the well-formed majority, binary detection, fill-aware column mapping, kind
guessing and the --map name matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.errors import UserLensError
from analytics.ingest import detect_mapping, ingest_file
from analytics.ingest_detect import detect_fields, guess_kind
from analytics.ingest_dialect import WHITESPACE, delimiter_from_name, looks_binary, sniff_dialect


def test_one_broken_line_does_not_decide_the_delimiter() -> None:
    lines = ["user_id,note,ts"] + [f'u{i},"hello, world | {i}",2024-01-01' for i in range(1, 30)]
    lines[10] = 'u10,"never closes | x,2024-01-01'
    dialect = sniff_dialect("\n".join(lines) + "\n")
    assert dialect.delimiter == "," and dialect.header == ("user_id", "note", "ts")
    assert dialect.consistent == pytest.approx(28 / 29)


@pytest.mark.parametrize("text, delimiter, header", [
    ("a;b;c\n1,5;2,5;x\n3,0;4;y\n", ";", ("a", "b", "c")),  # decimal commas
    ("a\tb c\td\n1\t2 3\t4\n", "\t", ("a", "b c", "d")),
    ("a|b\n1|2\n", "|", ("a", "b")),
    ("customer_id date  quantity\n  1   19970101  2\n  2   19970102  1\n", WHITESPACE,
     ("customer_id", "date", "quantity")),
    ('a,b,c,\n1,2,3,\n', ",", ("a", "b", "c")),  # a trailing delimiter is no column
    ('a,,a\n1,2,3\n', ",", ("a", "column1", "a_1")),
])
def test_delimiters_and_header_names(text: str, delimiter: str, header: tuple[str, ...]) -> None:
    dialect = sniff_dialect(text)
    assert (dialect.delimiter, dialect.header) == (delimiter, header)


def test_one_column_of_text_with_commas_stays_one_column(ws, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("comment\nI love it\nslow, buggy, and late\ngreat\n", encoding="utf-8")
    result = ingest_file(ws, "feedback", path)
    assert (result.rows_read, result.rows_loaded) == (3, 3)
    assert ws.con.execute("SELECT text FROM feedback ORDER BY feedback_id").fetchall()[1] == (
        "slow, buggy, and late",)


def test_mixed_line_endings_are_noticed_but_not_inside_quotes() -> None:
    assert sniff_dialect("a,b\r\n1,2\r\n", tail="x\r\n3,4\n").mixed_newlines
    assert not sniff_dialect('a,b\r\n1,"x\ny"\r\n2,3\r\n').mixed_newlines


def test_binary_and_text() -> None:
    assert looks_binary(bytes(range(256)) * 4)
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
    assert not looks_binary(b"user_id,event\nu\x001,view\n")  # one NUL inside a value
    assert not looks_binary("用户,评论\n".encode("gbk") * 50)
    assert not looks_binary("a,b\n".encode("utf-16"))


@pytest.mark.parametrize("name, char", [("comma", ","), ("Tab", "\t"), ("\\t", "\t"), ("semicolon", ";"),
                                        ("pipe", "|"), ("whitespace", WHITESPACE), ("space", WHITESPACE),
                                        (":", ":"), ("detected", None), (None, None)])
def test_delimiter_names(name: str | None, char: str | None) -> None:
    assert delimiter_from_name("auto" if name == "detected" else name) == char


def test_unknown_delimiter_is_a_clear_error(ws, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("user_id,event,ts\nu1,a,2024-01-01\n", encoding="utf-8")
    with pytest.raises(UserLensError, match="Unknown delimiter 'colon-ish'"):
        ingest_file(ws, "events", path, delimiter="colon-ish")


def test_filled_columns_win_the_mapping() -> None:
    columns = ["user", "name", "type", "ts"]
    assert detect_fields(columns, "events")["event"] == "name"  # by name alone
    fill = {"user": 1.0, "name": 0.0002, "type": 1.0, "ts": 1.0}
    assert detect_fields(columns, "events", fill)["event"] == "type"
    # an almost empty column is still taken when nothing better-filled matches
    fill = {"user": 1.0, "name": 0.01, "ts": 1.0}
    assert detect_fields(["user", "name", "ts"], "events", fill)["event"] == "name"
    # and a sparse user column gives way to a filled one further down the list
    fill = {"user_id": 0.3, "customer": 1.0, "event": 1.0, "ts": 1.0}
    assert detect_fields(["user_id", "customer", "event", "ts"], "events", fill)["user_id"] == "customer"


def test_preview_fill_rates_and_warning(tmp_path: Path) -> None:
    path = tmp_path / "chat.csv"
    rows = [f"U{i},message,{'general' if i == 0 else ''},{1585060061 + i}" for i in range(20)]
    path.write_text("user,type,name,ts\n" + "\n".join(rows) + "\n", encoding="utf-8")
    preview = detect_mapping(path, "events")
    assert preview.mapping["event"] == "type"
    assert preview.sample_rows == 20 and preview.fill == {"user": 1.0, "type": 1.0, "name": 0.05, "ts": 1.0}
    assert preview.warnings == []
    sparse = tmp_path / "sparse.csv"
    sparse.write_text("user,name,ts\n" + "\n".join(f"U{i},{'x' if i < 3 else ''},{1585060061 + i}"
                                                   for i in range(10)) + "\n", encoding="utf-8")
    assert detect_mapping(sparse, "events").warnings == [
        "event <- column 'name' is filled in only 30% of the first 10 rows"]


@pytest.mark.parametrize("file_name, columns, kind", [
    ("kano_survey.csv", ["a"], "kano"),
    ("Backlog Q3.xlsx", ["a"], "requirements"),
    ("app_reviews.csv", ["a"], "feedback"),
    ("export.csv", ["user_id", "event_name", "event_timestamp"], "events"),
    ("export.csv", ["respondent", "feature", "functional", "dysfunctional"], "kano"),
    ("export.csv", ["rowid", "Export_functional", "Export_dysfunctional"], "kano"),
    ("export.csv", ["req_id", "title", "reach", "effort"], "requirements"),
    ("export.csv", ["id", "comment", "rating"], "feedback"),
    ("export.csv", ["user_id", "plan", "country"], "users"),
])
def test_guess_kind(file_name: str, columns: list[str], kind: str) -> None:
    assert guess_kind(file_name, columns) == kind


def test_map_matches_a_column_ignoring_case_and_spaces(ws, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("Customer ID;When;What\nc1;2024-01-01;buy\n", encoding="utf-8")
    mapping = {"user_id": "customer id", "ts": "when", "event": "WHAT"}
    result = ingest_file(ws, "events", path, mapping=mapping)
    assert result.mapping == {"user_id": "Customer ID", "event": "What", "ts": "When"}

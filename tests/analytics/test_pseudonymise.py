"""HMAC ids; redaction of emails, phones and ID numbers in text, JSON and rejected lines (SQL = Python)."""

from __future__ import annotations

import hashlib
import hmac
import json

import duckdb
import pytest

from analytics.pseudonymise import (
    canonical_id, canonical_id_sql, hmac_id, hmac_params, hmac_sql, pseudonymise_line, pseudonymise_line_sql,
    pseudonymise_params, redact, redact_json, redact_json_sql, redact_sql,
)


@pytest.mark.parametrize("secret", [b"k" * 32, b"short", b"x" * 100, bytes(range(64))])
def test_hmac_sql_equals_python(secret: bytes) -> None:
    con = duckdb.connect()
    ids = ["17850", "u-1", "用户42", "", "a" * 200]
    for uid in ids:
        got = con.execute(f"SELECT {hmac_sql('$u')}", {"u": uid, **hmac_params(secret)}).fetchall()[0][0]
        assert got == hmac.new(secret, uid.encode(), hashlib.sha256).hexdigest() == hmac_id(secret, uid)
    assert con.execute(f"SELECT {hmac_sql('NULL')}", hmac_params(secret)).fetchall()[0][0] is None


# (text, expected): real-world-shaped strings; the second half must come through unchanged.
CASES = [
    # emails
    ("write to jane.doe+x@mail.example.co.uk today", "write to [email] today"),
    ("CONTACT: JOHN_SMITH@EXAMPLE.COM.", "CONTACT: [email]."),
    ("邮箱 wang.wei@163.com 谢谢", "邮箱 [email] 谢谢"),
    # international
    ("call +44 20 7946 0958 now", "call [phone] now"),
    ("ring +1 (555) 123-4567 please", "ring [phone] please"),
    ("+86 138-1234-5678", "[phone]"),
    ("+33 1 23 45 67 89 (Paris)", "[phone] (Paris)"),
    ("+49 30 1234567", "[phone]"),
    ("0044 20 7946 0958", "[phone]"),
    ("+8613812345678", "[phone]"),
    ("0086 138-1234-5678", "[phone]"),
    ("+1 555 123 4567", "[phone]"),
    # UK
    ("office 020 7946 0958, ask for Sam", "office [phone], ask for Sam"),
    ("Manchester 0161 496 0000", "Manchester [phone]"),
    ("mobile 07700 900123", "mobile [phone]"),
    ("mobile 07700900123", "mobile [phone]"),
    # US
    ("call (555) 123-4567 or 555-123-4567", "call [phone] or [phone]"),
    ("fax 555.123.4567", "fax [phone]"),
    ("toll free 1-800-555-0199", "toll free [phone]"),
    ("text 2125551234", "text [phone]"),
    # Chinese mobile and landline
    ("手机13812345678谢谢", "手机[phone]谢谢"),
    ("手机 138 1234 5678", "手机 [phone]"),
    ("电话 139-1234-5678", "电话 [phone]"),
    ("座机 010-12345678", "座机 [phone]"),
    ("深圳 0755 1234567", "深圳 [phone]"),
    ("(010) 12345678", "[phone]"),
    # ID numbers
    ("身份证号 11010519491231002X 和 110105194912310021", "身份证号 [id] 和 [id]"),
    ("SSN 123-45-6789 on file", "SSN [id] on file"),
    ("card 4111111111111111 expired", "card [id] expired"),
    ("card 4111 1111 1111 1111", "card [id]"),
    ("旧身份证 110105491231002", "旧身份证 [id]"),
    # must NOT be redacted: dates, times, prices, order numbers, versions, timestamps, barcodes
    ("order 12345 on 2024-01-31, version 3.10.2, 50% off",
     "order 12345 on 2024-01-31, version 3.10.2, 50% off"),
    ("Delivered 31/01/2024 at 10:30", "Delivered 31/01/2024 at 10:30"),
    ("2024/01/31 12:30:45", "2024/01/31 12:30:45"),
    ("2024年1月31日 下单", "2024年1月31日 下单"),
    ("Total $1,234.56 incl. VAT", "Total $1,234.56 incl. VAT"),
    ("价格 ¥12,345.00 元", "价格 ¥12,345.00 元"),
    ("€ 1 234,56", "€ 1 234,56"),
    ("Order #1029384756 shipped", "Order #1029384756 shipped"),
    ("ORD-2024-000123", "ORD-2024-000123"),
    ("upgrade to v2.4.1-beta from 1.9.0", "upgrade to v2.4.1-beta from 1.9.0"),
    ("epoch 1706659200 and 1706659200123 ms", "epoch 1706659200 and 1706659200123 ms"),
    ("EAN 4006381333931", "EAN 4006381333931"),
    ("rated 4.5/5, +5 points", "rated 4.5/5, +5 points"),
    ("years 1999-2024", "years 1999-2024"),
    ("SKU-10023-B x3", "SKU-10023-B x3"),
    ("build 20240131 on node 10.0.0.12", "build 20240131 on node 10.0.0.12"),
    ("me @ home", "me @ home"),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_redaction_python_and_sql(text: str, expected: str) -> None:
    assert redact(text) == expected
    con = duckdb.connect()
    assert con.execute(f"SELECT {redact_sql('$t')}", {"t": text}).fetchall()[0][0] == expected


SECRET = b"k" * 32


def test_canonical_id_python_and_sql() -> None:
    con = duckdb.connect()
    for raw, canon in [(" u42 ", "u42"), ("17850.0", "17850"), ("17850.00", "17850"), ("-5.0", "-5"),
                       ("1.5", "1.5"), ("u42.0", "u42.0"), ("17850", "17850")]:
        assert canonical_id(raw) == canon
        assert con.execute(f"SELECT {canonical_id_sql('$v')}", {"v": raw}).fetchall()[0][0] == canon


JSON_DOCS = [
    ('{"email":"jane@example.com","n":13812345678,"p":12.5,"b":true,"z":null}',
     {"email": "[email]", "n": "[phone]", "p": 12.5, "b": True, "z": None}),
    ('{"nested":{"t":"+44 20 7946 0958"},"list":[1,"020 7946 0958"]}',
     {"nested": {"t": "[phone]"}, "list": [1, "[phone]"]}),
    ('{"k\\"q":"v 555-123-4567","order":"ORD-2024-000123"}',
     {'k"q': "v [phone]", "order": "ORD-2024-000123"}),
    ("{}", {}),
    ("not json 020 7946 0958", "not json [phone]"),
]


@pytest.mark.parametrize("doc, expected", JSON_DOCS)
def test_redact_json_python_and_sql(doc: str, expected) -> None:
    con = duckdb.connect()
    sql = con.execute(f"SELECT {redact_json_sql('$d')}", {"d": doc}).fetchall()[0][0]
    assert json.loads(redact_json(doc)) == json.loads(sql) == expected
    assert con.execute(f"SELECT {redact_json_sql('$d')}", {"d": None}).fetchall()[0][0] is None


LINES = [
    # a parsed row: the id column (padded, or a float) becomes the HMAC of the canonical id
    ('{"uid":" u42 ","event":"call 020 7946 0958","ts":"bad"}', True,
     {"uid": hmac_id(SECRET, "u42"), "event": "call [phone]", "ts": "bad"}),
    ('{"uid":17850.0,"mail":"jane@example.com"}', True, {"uid": hmac_id(SECRET, "17850"), "mail": "[email]"}),
    ('{"uid":null,"e":"x"}', True, {"uid": None, "e": "x"}),
    # a line that never parsed: every field hashed, delimiters kept
    ("u42,app_open", False, f"{hmac_id(SECRET, 'u42')},{hmac_id(SECRET, 'app_open')}"),
    (' "u42" ;jane@example.com|17850.0', False,
     f"{hmac_id(SECRET, 'u42')};{hmac_id(SECRET, 'jane@example.com')}|{hmac_id(SECRET, '17850')}"),
    ("a,,b", False, f"{hmac_id(SECRET, 'a')},,{hmac_id(SECRET, 'b')}"),
]


@pytest.mark.parametrize("line, parsed, expected", LINES)
def test_pseudonymised_reject_lines_python_and_sql(line: str, parsed: bool, expected) -> None:
    con = duckdb.connect()
    py = pseudonymise_line(line, ["uid"], SECRET, parsed=parsed)
    sql = con.execute(f"SELECT {pseudonymise_line_sql('$l', '$parsed')}",
                      {"l": line, "parsed": parsed, "ul_id_columns": ["uid"],
                       **pseudonymise_params(SECRET)}).fetchall()[0][0]
    if parsed:
        assert json.loads(py) == json.loads(sql) == expected
    else:
        assert py == sql == expected

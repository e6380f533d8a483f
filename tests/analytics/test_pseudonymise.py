"""HMAC ids (SQL equals Python hmac) and redaction of emails, phones and ID numbers."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pytest

from analytics.pseudonymise import hmac_id, hmac_params, hmac_sql, redact, redact_sql


@pytest.mark.parametrize("secret", [b"k" * 32, b"short", b"x" * 100, bytes(range(64))])
def test_hmac_sql_equals_python(secret: bytes) -> None:
    con = duckdb.connect()
    ids = ["17850", "u-1", "用户42", "", "a" * 200]
    for uid in ids:
        got = con.execute(f"SELECT {hmac_sql('$u')}", {"u": uid, **hmac_params(secret)}).fetchall()[0][0]
        assert got == hmac.new(secret, uid.encode(), hashlib.sha256).hexdigest() == hmac_id(secret, uid)
    assert con.execute(f"SELECT {hmac_sql('NULL')}", hmac_params(secret)).fetchall()[0][0] is None


CASES = [
    ("write to jane.doe+x@mail.example.co.uk today", "write to [email] today"),
    ("call +44 20 7946 0958 now", "call [phone] now"),
    ("call (555) 123-4567 or 555-123-4567", "call [phone] or [phone]"),
    ("手机13812345678谢谢", "手机[phone]谢谢"),
    ("座机 010-12345678", "座机 [phone]"),
    ("身份证号 11010519491231002X 和 110105194912310021", "身份证号 [id] 和 [id]"),
    ("card 4111111111111111 expired", "card [id] expired"),
    (
        "order 12345 on 2024-01-31, version 3.10.2, 50% off",
        "order 12345 on 2024-01-31, version 3.10.2, 50% off",
    ),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_redaction_python_and_sql(text: str, expected: str) -> None:
    assert redact(text) == expected
    con = duckdb.connect()
    assert con.execute(f"SELECT {redact_sql('$t')}", {"t": text}).fetchall()[0][0] == expected

"""Pseudonymisation: user ids -> hex HMAC-SHA256 with the workspace secret; redaction of contact data.

Both run inside DuckDB as set-based SQL so a 10 M-row load never calls Python per row:
HMAC-SHA256(K, m) = SHA256((K ^ opad) || SHA256((K ^ ipad) || m)) with DuckDB's ``sha256`` on BLOBs
(`hmac_sql`), and redaction is a chain of RE2 ``regexp_replace`` calls (`redact_sql`). The Python
functions `hmac_id` and `redact` compute the same results and are the reference for the tests.
"""

from __future__ import annotations

import hashlib
import hmac
import re

_BLOCK = 64  # SHA-256 block size in bytes

# (pattern, replacement) in the order they are applied; RE2 and Python `re` read them the same way.
REDACTIONS: tuple[tuple[str, str], ...] = (
    (r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", "[email]"),
    # Chinese resident ID (18 characters, last may be X), then any other run of 12+ digits.
    (r"\b\d{17}[\dXx]\b", "[id]"),
    (r"\b\d{12,}\b", "[id]"),
    # International numbers with a leading +, e.g. +44 20 7946 0958, +86 138-1234-5678.
    (r"\+\d{1,3}[ .\-]?(\(\d{1,4}\)[ .\-]?)?\d{2,4}([ .\-]?\d{2,4}){1,4}\b", "[phone]"),
    # North-American style (555) 123-4567 / 555-123-4567 / 555.123.4567.
    (r"(\(\d{3}\)\s?|\b\d{3}[ .\-])\d{3}[ .\-]\d{4}\b", "[phone]"),
    # Chinese landline 010-12345678 / 0755 1234567, and bare 10-11 digit numbers (mobiles).
    (r"\b0\d{2,3}[ \-]\d{7,8}\b", "[phone]"),
    (r"\b\d{10,11}\b", "[phone]"),
)


def _pads(secret: bytes) -> tuple[bytes, bytes]:
    key = hashlib.sha256(secret).digest() if len(secret) > _BLOCK else secret
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def hmac_id(secret: bytes, user_id: str) -> str:
    """Hex HMAC-SHA256 of a user id under `secret` (the reference for `hmac_sql`).

    Parameters
    ----------
    secret : bytes
        The workspace secret (`Workspace.secret()`).
    user_id : str
        The canonical user id text.

    Returns
    -------
    str
        64 lower-case hex characters.
    """
    return hmac.new(secret, user_id.encode("utf-8"), hashlib.sha256).hexdigest()


def hmac_params(secret: bytes) -> dict[str, bytes]:
    """DuckDB parameters `$ul_ipad` / `$ul_opad` that `hmac_sql` expressions need."""
    ipad, opad = _pads(secret)
    return {"ul_ipad": ipad, "ul_opad": opad}


def hmac_sql(expr: str) -> str:
    """SQL for the hex HMAC-SHA256 of the VARCHAR `expr` (NULL stays NULL); needs `hmac_params`."""
    return f"sha256($ul_opad || unhex(sha256($ul_ipad || encode({expr}))))"


def redact(text: str) -> str:
    """Replace emails, ID numbers and phone numbers in `text` by "[email]", "[id]", "[phone]".

    Parameters
    ----------
    text : str
        Free text, e.g. a feedback comment.

    Returns
    -------
    str
        The text with every match replaced, in the order of `REDACTIONS`.
    """
    for pattern, replacement in REDACTIONS:
        text = re.sub(pattern, replacement, text, flags=re.ASCII)
    return text


def redact_sql(expr: str) -> str:
    """SQL applying `REDACTIONS` to the VARCHAR `expr` with RE2 (same result as `redact`)."""
    out = expr
    for pattern, replacement in REDACTIONS:
        out = f"regexp_replace({out}, '{pattern}', '{replacement}', 'g')"
    return out

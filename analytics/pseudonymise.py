"""Pseudonymisation: user ids -> hex HMAC-SHA256 with the workspace secret; redaction of contact data.

Both run inside DuckDB as set-based SQL so a 10 M-row load never calls Python per row:
HMAC-SHA256(K, m) = SHA256((K ^ opad) || SHA256((K ^ ipad) || m)) with DuckDB's ``sha256`` on BLOBs
(`hmac_sql`), and redaction is a chain of RE2 ``regexp_replace`` calls (`redact_sql`). The Python
functions `hmac_id` and `redact` compute the same results and are the reference for the tests.
"""

from __future__ import annotations

import hashlib
import json
import hmac
import re

_BLOCK = 64  # SHA-256 block size in bytes

# (pattern, replacement) in the order they are applied; RE2 and Python `re` (ASCII mode) read them
# the same way. Only ASCII classes are used (no \s, which differ between the two); a replacement
# holds no digit or "@", so no later rule can match inside it.
REDACTIONS: tuple[tuple[str, str], ...] = (
    (r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", "[email]"),
    # Chinese resident ID (18 characters, the last may be X), US social security number 123-45-6789,
    # a card number in four groups of four, and any other run of 15+ digits (old 15-digit Chinese
    # IDs, card and account numbers). 12-14 digit runs are left alone: barcodes, epoch milliseconds.
    (r"\b\d{17}[\dXx]\b", "[id]"),
    (r"\b\d{3}-\d{2}-\d{4}\b", "[id]"),
    (r"\b\d{4}[ \-]\d{4}[ \-]\d{4}[ \-]\d{4}\b", "[id]"),
    (r"\b\d{15,}\b", "[id]"),
    # International numbers: +44 20 7946 0958, +1 (555) 123-4567, +8613812345678, and with 00 and a
    # separator after the country code, 0044 20 7946 0958 (a bare 000123 is an order number).
    (r"(\+\d{1,3}[ .\-]?|\b00\d{1,3}[ .\-])(\(\d{1,4}\)[ .\-]?)?\d{1,4}([ .\-]?\d{2,4}){1,4}\b", "[phone]"),
    # Chinese mobile 138 1234 5678 / 138-1234-5678 / 13812345678 (optionally after 86).
    (r"\b(86[ \-]?)?1[3-9]\d[ \-]?\d{4}[ \-]?\d{4}\b", "[phone]"),
    # Trunk-prefixed national numbers: UK 020 7946 0958 / 0161 496 0000 / 07700 900123, Chinese
    # landline 010-12345678 / 0755 1234567.
    (r"\b0\d{2,4}[ \-]?\d{3,4}[ \-]?\d{3,4}\b", "[phone]"),
    # Chinese landline with the area code in brackets: (010) 12345678.
    (r"\(0\d{2,3}\) ?\d{7,8}\b", "[phone]"),
    # North American (555) 123-4567 / 555-123-4567 / 555.123.4567 / 1-800-555-0199, and ten bare
    # digits that do not start with 0 or 1 (epoch seconds and most order numbers start with 1).
    (r"(\b1[ .\-])?(\(\d{3}\) ?|\b\d{3}[ .\-])\d{3}[ .\-]\d{4}\b", "[phone]"),
    (r"\b[2-9]\d{9}\b", "[phone]"),
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


# -- ids, JSON documents and rejected lines --------------------------------------------------------
# A rejected line that did not parse is cut into fields at any of these delimiters; the fields lose
# surrounding blanks and quotes (what a CSV reader would have taken off).
FIELD_SPLIT = r"[^,;\t|]+|[,;\t|]"
_DELIMITER = r"[,;\t|]"
FIELD_STRIP = " \"'\r\n"


def canonical_id(value: str) -> str:
    """A user id as the loader stores it: blanks trimmed, "17850.0" -> "17850" (the reference for SQL)."""
    text = value.strip(" ")
    match = re.fullmatch(r"(-?\d+)\.0+", text, flags=re.ASCII)
    return match.group(1) if match else text


def canonical_id_sql(expr: str) -> str:
    """SQL of `canonical_id` for the VARCHAR `expr` (NULL stays NULL)."""
    text = f"trim({expr})"
    return (f"CASE WHEN contains({text}, '.') THEN regexp_replace({text}, '^(-?\\d+)\\.0+$', '\\1') "
            f"ELSE {text} END")


def pseudonymise_params(secret: bytes) -> dict[str, object]:
    """Every DuckDB parameter the SQL of this module needs: `hmac_params` plus the field patterns."""
    return {**hmac_params(secret), "ul_field_split": FIELD_SPLIT, "ul_delimiter": _DELIMITER,
            "ul_field_strip": FIELD_STRIP}


def _redact_json_value(value: object) -> object:
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, bool):
        return value
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    red = redact(text)
    if red == text:
        return value
    if isinstance(value, dict | list):
        try:
            return json.loads(red)
        except ValueError:
            return red
    return red


def redact_json(document: str | None) -> str | None:
    """A JSON object (an extra-columns document) with every value redacted, keys and types kept.

    String values go through `redact`; a number or nested value whose text holds a phone or ID
    number becomes the redacted text; booleans and nulls stay. Text that is not a JSON object is
    redacted as text (and kept valid JSON). The reference for `redact_json_sql`.

    Parameters
    ----------
    document : str or None
        JSON text, e.g. ``events.properties``.

    Returns
    -------
    str or None
    """
    if document is None:
        return None
    try:
        obj = json.loads(document)
    except ValueError:
        obj = None
    if not isinstance(obj, dict):
        red = redact(document)
        try:
            json.loads(red)
        except ValueError:
            return json.dumps(red, ensure_ascii=False)
        return red
    return json.dumps({k: _redact_json_value(v) for k, v in obj.items()}, ensure_ascii=False,
                      separators=(",", ":"))


def _json_value_sql(value: str) -> str:
    """SQL redacting one JSON value `value` (typed JSON) the way `_redact_json_value` does."""
    text = f"CAST({value} AS VARCHAR)"
    red = redact_sql(text)
    string = redact_sql(f"({value} ->> '$')")
    return (f"CASE WHEN json_type({value}) = 'VARCHAR' THEN to_json({string}) "
            f"WHEN json_type({value}) IN ('NULL', 'BOOLEAN') OR {red} = {text} THEN {value} "
            f"WHEN json_type({value}) IN ('OBJECT', 'ARRAY') AND json_valid({red}) THEN CAST({red} AS JSON) "
            f"ELSE to_json({red}) END")


def _map_json_sql(doc: str, value_sql: str) -> str:
    """SQL rebuilding the JSON object `doc` with each value replaced by `value_sql` (on e.key, e.value)."""
    entries = f"map_entries(TRY_CAST(CAST({doc} AS JSON) AS MAP(VARCHAR, JSON)))"
    return (f"CAST(to_json(map_from_entries(list_transform({entries}, "
            f"lambda e: {{'key': e.key, 'value': {value_sql}}}))) AS VARCHAR)")


def redact_json_sql(expr: str) -> str:
    """SQL of `redact_json` for the JSON/VARCHAR `expr` (NULL stays NULL)."""
    as_text = redact_sql(f"CAST({expr} AS VARCHAR)")
    return (f"CASE WHEN {expr} IS NULL THEN NULL "
            f"WHEN json_valid({expr}) AND json_type(CAST({expr} AS JSON)) = 'OBJECT' "
            f"AND TRY_CAST(CAST({expr} AS JSON) AS MAP(VARCHAR, JSON)) IS NOT NULL "
            f"THEN {_map_json_sql(expr, _json_value_sql('e.value'))} "
            f"WHEN json_valid({as_text}) THEN {as_text} ELSE CAST(to_json({as_text}) AS VARCHAR) END")


def _hmac_field(field: str, secret: bytes) -> str:
    stripped = field.strip(FIELD_STRIP)
    return field if not stripped else hmac_id(secret, canonical_id(stripped))


def pseudonymise_line(line: str | None, id_columns: list[str], secret: bytes, *, parsed: bool) -> str | None:
    """A rejected line as pseudonymisation stores it (the reference for `pseudonymise_line_sql`).

    Parameters
    ----------
    line : str or None
        ``rejects.raw_line``: a JSON object of the row's source columns (`parsed`), or the text of a
        line that could not be parsed.
    id_columns : list of str
        Source columns holding user ids (their values become the HMAC of the canonical id).
    secret : bytes
        The workspace secret.
    parsed : bool
        Whether `line` is the JSON object of a parsed row.

    Returns
    -------
    str or None
        Parsed rows: the JSON object with id values replaced by their HMAC and every other value
        redacted (`redact_json`). Unparsed lines: every field (between , ; tab |) replaced by the
        HMAC of its canonical text — the id cannot be told apart from the other fields there — so
        the delimiters, and with them the field count, remain.
    """
    if line is None:
        return None
    if not parsed:
        return "".join(tok if re.fullmatch(_DELIMITER, tok) else _hmac_field(tok, secret)
                       for tok in re.findall(FIELD_SPLIT, line))
    obj = json.loads(line)
    out = {}
    for key, value in obj.items():
        if key in id_columns and value is not None:
            text = value if isinstance(value, str) else json.dumps(value)
            out[key] = hmac_id(secret, canonical_id(text))
        else:
            out[key] = _redact_json_value(value)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def pseudonymise_line_sql(expr: str, parsed: str) -> str:
    """SQL of `pseudonymise_line` for the VARCHAR `expr`; `parsed` is a boolean SQL expression and the
    id columns are the VARCHAR[] parameter ``$ul_id_columns`` (needs `pseudonymise_params`)."""
    field = "trim(t, $ul_field_strip)"
    unparsed = (f"array_to_string(list_transform(regexp_extract_all({expr}, $ul_field_split), lambda t: "
                f"CASE WHEN regexp_full_match(t, $ul_delimiter) OR {field} = '' THEN t "
                f"ELSE {hmac_sql(canonical_id_sql(field))} END), '')")
    id_text = ("CASE WHEN json_type(e.value) = 'VARCHAR' THEN e.value ->> '$' "
               "ELSE CAST(e.value AS VARCHAR) END")
    value = (f"CASE WHEN list_contains($ul_id_columns, e.key) AND e.value IS NOT NULL AND "
             f"json_type(e.value) <> 'NULL' THEN to_json({hmac_sql(canonical_id_sql(id_text))}) "
             f"ELSE {_json_value_sql('e.value')} END")
    return (f"CASE WHEN {expr} IS NULL THEN NULL WHEN {parsed} THEN {_map_json_sql(expr, value)} "
            f"ELSE {unparsed} END")

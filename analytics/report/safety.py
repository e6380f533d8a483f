"""Keeping user text inert in exported files.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
some treat a leading tab or carriage return the same way (CSV/formula injection, OWASP). Text
from users — feedback quotes, requirement titles, file names — therefore gets a single quote
``'`` in front in CSV and XLSX: the text stays readable and no spreadsheet evaluates it. Numbers
are written as numbers and never touched (a negative Worse stays a number).

Markdown has its own hazards (inline HTML, links, table pipes): `markdown_text` escapes them.
"""

from __future__ import annotations

import html
import re
from typing import Any

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LEADING = re.compile(r"^([#+\->=])")
_MD_ORDERED = re.compile(r"^(\d+)([.)])")


def neutralise(value: Any) -> Any:
    """A string that a spreadsheet could run as a formula, prefixed with ``'``; anything else unchanged.

    Parameters
    ----------
    value : Any
        A cell value.

    Returns
    -------
    Any
        ``"'" + value`` when `value` is a string starting with one of ``FORMULA_PREFIXES``,
        else `value` itself.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def markdown_text(value: Any) -> str:
    r"""User text safe inside a Markdown table cell or paragraph.

    HTML is escaped (no raw tags reach a renderer); the characters that make links, emphasis,
    code or table breaks (``\ ` * _ [ ] | ~``) are backslash-escaped, and so is a leading character
    that would start a heading, list, quote or setext underline; line breaks become spaces.

    Parameters
    ----------
    value : Any
        Text (None gives an empty string).

    Returns
    -------
    str
    """
    if value is None:
        return ""
    text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return _MD_ORDERED.sub(r"\1\\\2", _MD_LEADING.sub(r"\\\1", text))

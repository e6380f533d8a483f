"""Keeping user text inert in exported files.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and
some treat a leading tab or carriage return the same way (CSV/formula injection, OWASP). The
one writer for that is `analytics.tabular` (shared with the command line and the dashboard);
`neutralise` is re-exported here for the report renderers.

Markdown has its own hazards (inline HTML, links, table pipes): `markdown_text` escapes them.
"""

from __future__ import annotations

import html
import re
from typing import Any

from analytics.tabular import FORMULA_PREFIXES, neutralise

__all__ = ["FORMULA_PREFIXES", "markdown_text", "neutralise"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LEADING = re.compile(r"^([#+\->=])")
_MD_ORDERED = re.compile(r"^(\d+)([.)])")


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

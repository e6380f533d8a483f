"""Page widgets built from a metric declaration (`analytics.queries`; docs/DESIGN.md §9).

A page asks for an option's widget by the option's name; its label, help, choices, display names,
default and range come from the declaration, so the page and the CLI offer the same values. Choices
that depend on the data (event names, attribute keys) are passed by the page as ``options``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import streamlit as st

from analytics.query import Option, Query


def spec(cls: type[Query], name: str) -> Option:
    """The declared option `name` of `cls`."""
    return cls.options()[name]


def _choices(opt: Option, options: Sequence[Any] | None) -> list[Any]:
    if options is not None:
        return list(options)
    if opt.kind is bool:
        return [False, True]
    return list(opt.choices or ())


def selectbox(cls: type[Query], name: str, *, key: str, where: Any = st, options: Sequence[Any] | None = None,
              label: str | None = None, **kw: Any) -> Any:
    """A selectbox over the option's choices (or `options`), showing the declared names."""
    opt = spec(cls, name)
    choices = _choices(opt, options)
    index = choices.index(opt.default) if opt.default in choices else 0
    kw.setdefault("format_func", opt.display)
    return where.selectbox(label or opt.label, choices, index=index, key=key, help=opt.help or None, **kw)


def segmented(cls: type[Query], name: str, *, key: str, where: Any = st, **kw: Any) -> Any:
    """A segmented control over the option's choices (one always chosen)."""
    opt = spec(cls, name)
    return where.segmented_control(opt.label, _choices(opt, None), default=opt.default, required=True,
                                   key=key, format_func=opt.display, help=opt.help or None, **kw)


def auto(cls: type[Query], name: str, *, key: str, where: Any = st, options: Sequence[Any] | None = None,
         **kw: Any) -> Any:
    """The widget the declaration implies: a selectbox for choices, booleans and data-driven `options`,
    a number input for numbers (a page draws dates and free text itself)."""
    opt = spec(cls, name)
    if options is not None or opt.choices is not None or opt.kind is bool:
        return selectbox(cls, name, key=key, where=where, options=options, **kw)
    if opt.kind in (int, float):
        return number(cls, name, key=key, where=where, **kw)
    raise TypeError(f"{cls.__name__}.{name} has no automatic widget: draw it on the page")


def page_options(cls: type[Query]) -> list[str]:
    """The options a page draws a declared widget for, in declaration order (dates excluded)."""
    return [n for n, o in cls.options().items() if o.page and o.kind is not date]


def number(cls: type[Query], name: str, *, key: str, where: Any = st, **kw: Any) -> Any:
    """A number input within the option's page range (``ui_interval``, else its interval)."""
    opt = spec(cls, name)
    lo, hi = opt.ui_interval or opt.interval or (None, None)
    cast = opt.kind if opt.kind in (int, float) else float
    return where.number_input(opt.label, None if lo is None else cast(lo), None if hi is None else cast(hi),
                              value=cast(opt.default), key=key, help=opt.help or None, **kw)

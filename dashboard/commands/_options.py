"""CLI flags built from a metric declaration (`analytics.queries`), and the query built back from them.

A verb calls :func:`add_query_arguments` in ``add_arguments`` and :func:`query_from_args` in ``run``: its
flags, their ``choices``, defaults and help are the declaration's, so an option added there appears here
(and docs/cli.md must mention it: tests/dashboard/test_cli_docs.py checks every flag).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar

from analytics.query import Option, Query, flag_of
from dashboard.commands._common import parse_number_pairs

Q = TypeVar("Q", bound=Query)


def _help(opt: Option) -> str | None:
    # argparse %-formats help strings: a literal percent sign is written %%.
    return opt.help.replace("%", "%%") if opt.help else None


def add_query_arguments(parser: argparse.ArgumentParser, cls: type[Query], *,
                        skip: Iterable[str] = (), required: Iterable[str] = ()) -> None:
    """One flag per option of `cls` that has a flag (those named in `skip` are left to the verb)."""
    skip, required = set(skip), set(required)
    for name, opt in cls.options().items():
        flag = flag_of(name, opt)
        if not flag or name in skip:
            continue
        kw: dict[str, Any] = {"dest": name, "help": _help(opt)}
        if opt.kind is bool:
            kw["action"] = "store_false" if opt.default else "store_true"
        elif opt.kind is dict or (opt.kind is list and opt.repeat):
            kw.update(action="append", default=[], metavar=opt.metavar)
        else:
            kw.update(default=opt.default, metavar=opt.metavar, required=name in required)
            if opt.kind in (int, float):
                kw["type"] = opt.kind
            if opt.choices is not None:
                kw.update(choices=list(opt.choices), metavar=None)
        parser.add_argument(flag, **kw)


def query_from_args(cls: type[Q], args: argparse.Namespace, **given: Any) -> Q:
    """The query the parsed flags describe (validated by the declaration); `given` sets the rest."""
    values: dict[str, Any] = {}
    for name, opt in cls.options().items():
        if name in given or not hasattr(args, name):
            continue
        value = getattr(args, name)
        if opt.kind is dict:
            value = parse_number_pairs(value, flag_of(name, opt)) or None
        elif opt.kind is list:
            items = value if opt.repeat else ([] if value is None else [value])
            value = [part for item in items for part in (item.split(opt.split) if opt.split else [item])]
        elif opt.kind is date and value is not None:
            value = str(value)
        values[name] = value
    return cls(**values, **given)

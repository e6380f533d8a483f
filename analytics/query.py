"""How a metric is declared once (docs/DESIGN.md §9): a frozen query dataclass.

A query class lists its options as dataclass fields made with :func:`option`: the default, the allowed
values (``choices`` or an inclusive ``interval``, in the spirit of scikit-learn's
``_parameter_constraints``), the label and help a person reads, and the CLI flag. Class attributes
name the analytics function it runs (``FUNCTION``, ``"module:function"``), the SQL files that function
runs (``SQL``) and the workspace tables they read (``TABLES``). Validation happens once, when the query
is built; the CLI flags (``dashboard/commands/_options.py``), the page widgets (``dashboard/widgets.py``)
and the dashboard cache key (``dashboard/cache.py``: the versions of exactly ``TABLES``) are all derived
from the class. Adding an option is one field here plus the SQL that uses it.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, ClassVar

import duckdb

from analytics.errors import UserLensError
from analytics.periods import to_date


@dataclasses.dataclass(frozen=True)
class Option:
    """One option of a metric: its allowed values and how a person sees it.

    ``kind`` is one of ``str``, ``int``, ``float``, ``bool``, ``date``, ``list`` (of str) or ``dict``
    (str -> float); ``choices`` and ``interval`` constrain it; ``names`` gives each choice its display
    name; ``flag`` is the CLI flag (default ``--field-name``; ``""`` keeps the option off the CLI);
    ``ui_interval`` narrows a number widget's range (a page need not offer 400 columns); ``repeat`` and
    ``split`` say how a list option is written on the command line. A bool option whose default is
    True is switched off by its flag (``--no-evidence``).
    """

    default: Any
    kind: type = str
    choices: tuple[Any, ...] | None = None
    interval: tuple[float | None, float | None] | None = None
    label: str = ""
    help: str = ""
    names: Mapping[Any, str] | None = None
    flag: str | None = None
    metavar: str | None = None
    ui_interval: tuple[float, float] | None = None
    repeat: bool = False  # the CLI flag may be given several times (a list option)
    split: str | None = None  # the CLI value is split on this separator (a list option)
    page: bool = True  # a page draws a widget for it (False: the page uses the default or another widget)
    message: str | None = None  # the error sentence, formatted with name/flag/value/lo/hi/choices

    def display(self, value: Any) -> str:
        """The name a person reads for `value` (the value itself when no name is declared)."""
        return str((self.names or {}).get(value, value))


def option(default: Any, **spec: Any) -> Any:
    """A dataclass field carrying an :class:`Option` (the field's default is the option's)."""
    opt = Option(default, **spec)
    if isinstance(default, (list, dict)):
        raise TypeError("use a tuple default: query objects are frozen and hashable")
    return dataclasses.field(default=default, metadata={"option": opt})


def flag_of(name: str, opt: Option) -> str:
    """The CLI flag of an option (``--start-event`` for ``start_event``)."""
    return opt.flag if opt.flag is not None else "--" + name.replace("_", "-")


@dataclasses.dataclass(frozen=True)
class Query:
    """Base of the metric declarations: validation in one place, the parameters of the function."""

    NAME: ClassVar[str] = ""
    FUNCTION: ClassVar[str] = ""  # "package.module:function", called as f(con, **query.params())
    SQL: ClassVar[tuple[str, ...]] = ()  # files in analytics/sql/ (without .sql)
    TABLES: ClassVar[tuple[str, ...]] = ()  # workspace tables those files read

    @classmethod
    def options(cls) -> dict[str, Option]:
        """Field name -> Option, in declaration order."""
        return {f.name: f.metadata["option"] for f in dataclasses.fields(cls) if "option" in f.metadata}

    def __post_init__(self) -> None:
        for name, opt in self.options().items():
            object.__setattr__(self, name, _check(name, opt, getattr(self, name)))
        self.check()

    def check(self) -> None:
        """Rules across options (e.g. an empty date range); a subclass overrides it."""

    def params(self) -> dict[str, Any]:
        """The keyword arguments of the analytics function (a dict option as a dict, None when empty)."""
        out = {}
        for name, opt in self.options().items():
            value = getattr(self, name)
            out[name] = dict(value) if opt.kind is dict and value is not None else value
        return out

    @classmethod
    def function(cls) -> Callable[..., Any]:
        """The analytics function this query runs (imported by name: declarations import no metric code)."""
        module, _, name = cls.FUNCTION.partition(":")
        return getattr(importlib.import_module(module), name)

    def run(self, con: duckdb.DuckDBPyConnection) -> Any:
        """Compute the metric on a workspace connection."""
        return self.function()(con, **self.params())


def _fail(name: str, opt: Option, value: Any, default: str) -> UserLensError:
    lo, hi = opt.interval or (None, None)
    choices = ", ".join(str(c) for c in opt.choices or ())
    return UserLensError((opt.message or default).format(name=name, flag=flag_of(name, opt), value=value,
                                                          lo=lo, hi=hi, choices=choices))


def _check(name: str, opt: Option, value: Any) -> Any:
    """Validate and normalise one value against its Option; raise a UserLensError a person can act on."""
    if value is None or (value == "" and opt.kind is not str):
        if opt.default is None:  # an option whose default is None may be left unset
            return None
        raise _fail(name, opt, value, "{name} needs a value.")
    if opt.kind is bool:
        return bool(value)
    if opt.kind is date:
        return to_date(value, flag_of(name, opt))
    if opt.kind is list:
        items = [value] if isinstance(value, str) else list(value)
        return tuple(str(v) for v in items)
    if opt.kind is dict:  # kept as sorted pairs: a query is frozen and hashable
        try:
            return tuple(sorted((str(k), float(v)) for k, v in dict(value).items())) or None
        except (TypeError, ValueError) as exc:
            raise _fail(name, opt, value, "{name} must map names to numbers, not {value!r}.") from exc
    if opt.kind is str:
        value = str(value)
        if opt.choices is not None:
            low = value.lower()
            if low not in opt.choices:
                raise _fail(name, opt, value, "{name} must be one of {choices}, not {value!r}.")
            return low
        return value
    number_ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if opt.kind is int and not (number_ok and float(value).is_integer()):
        raise _fail(name, opt, value, "{name} must be a whole number, not {value!r}.")
    if opt.kind is float and not number_ok:
        raise _fail(name, opt, value, "{name} must be a number, not {value!r}.")
    value = opt.kind(value)
    lo, hi = opt.interval or (None, None)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise _fail(name, opt, value, "{name} must be from {lo} to {hi}, not {value!r}.")
    if opt.choices is not None and value not in opt.choices:
        raise _fail(name, opt, value, "{name} must be one of {choices}, not {value!r}.")
    return value

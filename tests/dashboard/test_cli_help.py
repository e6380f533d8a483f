"""Every verb's `--help` works (issue 10 item 5) and every verb is wired through the one registry."""

from __future__ import annotations

import importlib

import pytest

from dashboard.cli import build_parser, main, verb_parsers
from dashboard.commands import VERBS

# Discovered from the parser, so a verb added to the registry is covered without touching this file.
VERB_NAMES = sorted(verb_parsers(build_parser()))


def test_top_level_help_lists_every_verb(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: userlens")
    flat = " ".join(out.split())  # argparse wraps long help lines
    for verb in VERBS:
        assert f"{verb.name} {verb.help}" in flat


@pytest.mark.parametrize("verb", VERB_NAMES)
def test_every_verb_help_prints_its_usage(verb: str, capsys) -> None:
    # `userlens retention --help` crashed on a bare % in a help string (argparse %-formats help).
    with pytest.raises(SystemExit) as stop:
        main([verb, "--help"])
    assert stop.value.code == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"usage: userlens {verb}")
    assert "options:" in captured.out and captured.err == ""


def test_retention_help_explains_percent(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["retention", "--help"])
    assert "show cells as % of the cohort size" in " ".join(capsys.readouterr().out.split())


def test_the_parser_has_exactly_the_registered_verbs_and_each_runs_its_module() -> None:
    assert sorted(v.name for v in VERBS) == VERB_NAMES
    assert len({v.name for v in VERBS}) == len(VERBS)
    parser = build_parser()
    for verb in VERBS:
        module = importlib.import_module(verb.import_path)
        sub = verb_parsers(parser)[verb.name]
        assert sub.get_default("func") is module.run
        assert sub.description  # the registry's, or the module's own docstring


def test_a_verb_is_loaded_only_when_chosen() -> None:
    parser = build_parser()
    args = parser.parse_args(["funnel", "--steps", "a,b", "--format", "json"])
    assert args.command == "funnel" and args.steps == "a,b"
    assert args.func.__module__ == "dashboard.commands.funnel"
    from dashboard.cli import _VerbParsers

    sub = next(a for a in parser._actions if isinstance(a, _VerbParsers))
    loaded = sorted(name for name, p in sub.choices.items() if p.get_default("func") is not None)
    assert loaded == ["funnel"]


def test_report_help_names_every_report_format() -> None:
    # The registry's help is static text (so --help needs no import); it must follow FORMATS.
    from analytics.report import FORMATS

    text = next(v.help for v in VERBS if v.name == "report")
    listed = [part.strip(" ,()") for part in text.split("(")[1].split(",")]
    assert listed == [ext for ext, _ in FORMATS.values()]


def test_an_unknown_verb_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["retentoin"])
    assert stop.value.code == 2
    assert "invalid choice: 'retentoin'" in capsys.readouterr().err


def test_no_verb_prints_help_and_exits_2(capsys) -> None:
    assert main([]) == 2
    assert capsys.readouterr().out.startswith("usage: userlens")

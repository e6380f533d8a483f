"""Every CLI verb and option is documented (issue 13 item 8), the way datasette tests its settings.

A verb must be listed in README.md's "Command line" section or named as `userlens VERB` in docs/;
each of its options must appear in its own section (`## userlens VERB`) of docs/cli.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.cli import build_parser, verb_parsers

ROOT = Path(__file__).resolve().parents[2]
PARSERS = verb_parsers(build_parser())


def _readme_verbs() -> set[str]:
    """Verbs in the README's "Command line" code block: `userlens A ... | B ... | C ...` lines."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```", 2)[1]
    verbs = set()
    for line in block.splitlines():
        if line.startswith("userlens "):
            for part in _top_level_alternatives(line.split("#", 1)[0][len("userlens "):]):
                first = part.split()[0]
                if re.fullmatch(r"[a-z]+", first):  # not an option value such as `retained:k`
                    verbs.add(first)
    return verbs


def _top_level_alternatives(text: str) -> list[str]:
    """`a [x | y] | b (c | d)` -> ['a [x | y]', 'b (c | d)']: split on ' | ' outside brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char in "([{") - (char in ")]}")
        if depth == 0 and text.startswith(" | ", i):
            parts.append(text[start:i])
            start = i + 3
    return [*parts, text[start:]]


def _cli_sections() -> dict[str, str]:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r"^## userlens (\S+)\n(.*?)(?=^## |\Z)", text,
                                                          re.M | re.S)}


def test_the_readme_lists_only_real_verbs() -> None:
    assert _readme_verbs() <= set(PARSERS)


@pytest.mark.parametrize("verb", sorted(PARSERS))
def test_every_verb_is_documented(verb: str) -> None:
    docs = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))
    assert verb in _readme_verbs() or f"userlens {verb}" in docs, (
        f"document `userlens {verb}` in README.md's Command line section or in docs/")
    assert verb in _cli_sections(), f"add a '## userlens {verb}' section to docs/cli.md"


@pytest.mark.parametrize("verb", sorted(PARSERS))
def test_every_option_is_documented_in_its_verbs_section(verb: str) -> None:
    section = _cli_sections().get(verb, "")
    options = [o for action in PARSERS[verb]._actions for o in action.option_strings
               if o.startswith("--") and o not in ("--help", "--workspace", "--format")]
    missing = [o for o in options if not re.search(re.escape(o) + r"(?![\w-])", section)]
    assert not missing, f"docs/cli.md's section on `userlens {verb}` does not mention {missing}"

"""The docs the code points at exist and cover what they must (issue 13 item 8): every dashboard page is
described in docs/DASHBOARD.md, every "DESIGN §N" the code cites is a section of docs/DESIGN.md, and the
repository's copy of the design notes matches the shared one where that is present.
(Every CLI verb and option: tests/dashboard/test_cli_docs.py.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DESIGN = ROOT / "docs" / "DESIGN.md"


def _pages() -> list[tuple[str, str]]:
    """(file, title) of every page the app registers, read from streamlit_app.py's SPECS list."""
    tree = ast.parse((ROOT / "dashboard" / "streamlit_app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SPECS" for t in node.targets):
            return [(spec.elts[1].value, spec.elts[2].value) for spec in node.value.elts]
    raise AssertionError("streamlit_app.py has no SPECS list")


def test_every_page_file_is_registered() -> None:
    files = {p.name for p in (ROOT / "dashboard" / "app_pages").glob("*.py")}
    assert files <= {f for f, _ in _pages()}


@pytest.mark.parametrize(("file", "title"), _pages())
def test_every_page_is_documented(file: str, title: str) -> None:
    table = (ROOT / "docs" / "DASHBOARD.md").read_text(encoding="utf-8").split("\n## Pages\n", 1)[1]
    rows = {line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| ")}
    assert title in rows, f"describe the {title} page ({file}) in docs/DASHBOARD.md's Pages table"


def test_cited_design_sections_exist() -> None:
    sections = {int(m) for m in re.findall(r"^## (\d+)\.", DESIGN.read_text(encoding="utf-8"), re.M)}
    cited: dict[int, str] = {}
    for pkg in ("analytics", "embeddings", "dashboard", "sample_data", "bench"):
        for path in (ROOT / pkg).rglob("*.py"):
            for m in re.finditer(r"DESIGN(?:\.md)? §(\d+)", path.read_text(encoding="utf-8")):
                cited.setdefault(int(m.group(1)), str(path.relative_to(ROOT)))
    assert cited, "the code cites the design notes"
    missing = {n: where for n, where in cited.items() if n not in sections}
    assert not missing, f"cited sections missing from docs/DESIGN.md: {missing}"


def test_the_design_notes_match_the_shared_copy() -> None:
    shared = ROOT.parent / "shared" / "DESIGN.md"
    if not shared.exists():
        pytest.skip("no ../shared/DESIGN.md next to this checkout")
    assert DESIGN.read_text(encoding="utf-8") == shared.read_text(encoding="utf-8"), (
        "docs/DESIGN.md differs from ../shared/DESIGN.md: copy the shared one")

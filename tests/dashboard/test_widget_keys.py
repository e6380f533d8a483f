"""AppTests find widgets by key (issue 13 item 8): every widget the dashboard draws has one."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIDGETS = {"selectbox", "button", "multiselect", "number_input", "text_input", "slider", "toggle", "checkbox",
           "radio", "segmented_control", "date_input", "text_area", "download_button", "file_uploader",
           "pills", "select_slider", "form_submit_button", "data_editor"}


def test_every_widget_has_a_key() -> None:
    """AppTests find widgets by key, never by position or label (labels are for people and change)."""
    missing = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in WIDGETS
                    and not any(k.arg in ("key", None) for k in node.keywords)):  # None: **kwargs passed on
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.func.attr}")
    assert not missing, f"give these widgets a key: {missing}"

"""`userlens --help` starts without the heavy libraries (issue 14, DESIGN §10 "CLI start").

Heavy libraries load only inside the verbs that use them; speed itself is measured by
bench/cli_start.py, never here. Each check runs in a fresh interpreter so nothing imported by
other tests hides an import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dashboard.commands import VERBS

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy", "torch", "plotly", "sentence_transformers", "streamlit", "weasyprint", "jinja2",
         "openpyxl", "xlsxwriter")
# A verb whose own options come from a module that needs a heavy library (the verb's run needs it
# anyway): analytics.experiment (METRIC_HELP) imports scipy.stats at its top.
VERB_PARSER_MAY_IMPORT = {"experiment": {"scipy"}}


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *args, "-c", code] if code else [sys.executable, *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def _heavy_in(modules: list[str]) -> list[str]:
    return sorted({m.split(".")[0] for m in modules} & set(HEAVY))


def test_importing_the_cli_and_building_the_parser_loads_no_heavy_library() -> None:
    done = _python("import json, sys\nimport dashboard.cli\ndashboard.cli.build_parser()\n"
                   "print(json.dumps(sorted(sys.modules)))")
    assert done.returncode == 0, done.stderr
    assert _heavy_in(json.loads(done.stdout)) == []


def test_userlens_help_loads_no_heavy_library() -> None:
    # The real entry point (python -m dashboard.cli is what the console script runs); -X importtime
    # lists every module the process imported on stderr.
    done = _python("", "-X", "importtime", "-m", "dashboard.cli", "--help")
    assert done.returncode == 0 and done.stdout.startswith("usage: userlens")
    imported = [line.split("|")[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")]
    assert "dashboard.commands" in imported  # the listing really is in the output we read
    assert _heavy_in(imported) == []


def test_each_verb_help_loads_only_what_the_verb_needs() -> None:
    order = [v.name for v in VERBS if v.name not in VERB_PARSER_MAY_IMPORT] + list(VERB_PARSER_MAY_IMPORT)
    code = f"""
import json, sys
from dashboard.cli import build_parser, load_verb
from dashboard.commands import VERBS
parser = build_parser()
sub = next(a for a in parser._actions if hasattr(a, "verbs"))
new = {{}}
for name in {order!r}:
    before = set(sys.modules)
    load_verb(sub.choices[name], sub.verbs[name])
    new[name] = sorted(set(sys.modules) - before)
print(json.dumps(new))
"""
    done = _python(code)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert sorted(loaded) == sorted(v.name for v in VERBS)
    for name, modules in loaded.items():
        assert set(_heavy_in(modules)) <= VERB_PARSER_MAY_IMPORT.get(name, set()), name

#!/usr/bin/env python3
"""Bootstrap and run UserLens with nothing but Python 3.11+.

    python3 dev.py demo     # install into .venv (first run only), then open the demo dashboard
    python3 dev.py test     # install into .venv (first run only), then run the test suite
    python3 dev.py <any userlens arguments>

The first run creates .venv and installs the project with its test extras. torch is installed
first as exactly 2.13.0 so that a CPU-only machine takes the CPU wheel and no CUDA packages.
Later runs reinstall only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("USERLENS_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def _ensure_installed() -> None:
    stamp = VENV / ".userlens-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if not PY.exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(PY), "-m", "pip", "install", "--disable-pip-version-check"]
    print("Installing torch 2.13.0 (CPU) and UserLens with its test tools; the first time takes minutes ...",
          flush=True)
    subprocess.run([*pip, "torch==2.13.0"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[test]"], check=True)
    stamp.write_text(wanted)


def main(argv: list[str]) -> int:
    if sys.version_info[:2] < (3, 11):  # noqa: UP036 - dev.py is what an old Python runs first
        print(f"UserLens needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
        return 2
    if not argv:
        print(__doc__)
        return 2
    _ensure_installed()
    if argv[0] == "test":
        return subprocess.call([str(PY), "-m", "pytest", *argv[1:]], cwd=ROOT)
    if os.name == "posix":  # replace this process, so Ctrl+C and kill reach userlens directly
        os.chdir(ROOT)
        os.execv(str(BIN / "userlens"), [str(BIN / "userlens"), *argv])
    return subprocess.call([str(BIN / "userlens"), *argv], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

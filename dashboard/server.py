"""Start the Streamlit dashboard on a workspace (what `userlens serve` and `userlens demo` run)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from dashboard import uploads

APP = Path(__file__).resolve().parent / "streamlit_app.py"
UPLOAD_LIMIT_MB = 1024  # browser uploads up to 1 GB


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def command(workspace: str | os.PathLike[str], port: int, open_browser: bool = True,
            address: str = "127.0.0.1") -> list[str]:
    """The `python -m streamlit run ...` command line for the dashboard.

    Parameters
    ----------
    workspace : str or PathLike
        Workspace file the app opens.
    port : int
        Port to listen on.
    open_browser : bool
        Open the default browser on start (``--server.headless false``).
    address : str
        Interface to bind; localhost by default so only this machine can reach the dashboard.

    Returns
    -------
    list of str
        The argv to run.
    """
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.address", address, "--server.port", str(port),
            "--server.maxUploadSize", str(UPLOAD_LIMIT_MB), "--server.maxMessageSize", str(UPLOAD_LIMIT_MB),
            "--server.headless", "false" if open_browser else "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            # The tables' own CSV export writes cells as they are; the download buttons write safe ones.
            "--client.disableDataExport", "true",
            "--", "--workspace", str(Path(workspace).expanduser())]


def prepare(workspace: str | os.PathLike[str]) -> None:
    """Privacy chores before a dashboard starts: remove uploads a crashed server left behind, and
    rewrite the workspace file if a user was erased in the browser since it was last compacted."""
    from analytics.erasure import compact_if_pending
    from analytics.errors import UserLensError

    uploads.remove_stale()
    try:
        if compact_if_pending(workspace):
            print(f"Compacted {workspace}: bytes of erased users are gone from the file.", flush=True)
    except UserLensError as exc:
        print(f"Warning: {exc}", file=sys.stderr, flush=True)


def serve(workspace: str | os.PathLike[str], port: int = 8501, open_browser: bool = True,
          address: str = "127.0.0.1") -> int:
    """Run the dashboard in the foreground until it is stopped (Ctrl+C).

    Parameters
    ----------
    workspace : str or PathLike
        Workspace file the app opens.
    port : int
        Port to listen on (default 8501).
    open_browser : bool
        Open the default browser on start.
    address : str
        Interface to bind (default 127.0.0.1: only this machine).

    Returns
    -------
    int
        The Streamlit process's exit status (130 after Ctrl+C).
    """
    env = dict(os.environ, USERLENS_WORKSPACE=str(Path(workspace).expanduser()))
    prepare(workspace)
    print(f"UserLens dashboard on http://{address}:{port} (workspace {workspace}); Ctrl+C stops it.",
          flush=True)
    proc = subprocess.Popen(command(workspace, port, open_browser, address), env=env,
                            cwd=str(APP.parent.parent))

    def stop_on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM (kill, service managers) stops the server like Ctrl+C

    previous = signal.signal(signal.SIGTERM, stop_on_term)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc.poll() is None:  # never leave the Streamlit child running behind us
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        uploads.remove_folder(uploads.upload_root() / str(proc.pid))  # its uploads go with it


def start(workspace: str | os.PathLike[str], port: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start a headless dashboard in the background (tests, screenshots, benchmarks).

    Returns the process and its URL; the caller stops it with ``proc.terminate()``.
    """
    port = port or free_port()
    env = dict(os.environ, USERLENS_WORKSPACE=str(Path(workspace).expanduser()))
    prepare(workspace)
    proc = subprocess.Popen(command(workspace, port, open_browser=False), env=env, cwd=str(APP.parent.parent),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}"

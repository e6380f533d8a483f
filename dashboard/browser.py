"""Drive the dashboard in Debian's Chromium (e2e test, screenshots, bench): server, browser, waiting.

Playwright is imported only when a browser is launched; the browser is always the system `chromium`
(`playwright install` is never needed).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dashboard.server import start

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@contextmanager
def dashboard(workspace: Path, timeout: float = 60) -> Iterator[str]:
    """A headless dashboard on a free localhost port for the duration of the block; yields its URL.

    Its ~/.userlens (the last-workspace registry) is a temporary folder: a test, a screenshot or a
    benchmark run never changes which workspace `userlens serve` opens next.
    """
    home = tempfile.TemporaryDirectory(prefix="userlens-home-")
    with _environment(USERLENS_HOME=home.name):
        proc, url = start(workspace)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the dashboard did not start (exit code {proc.poll()})")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - make sure it is gone
            proc.kill()
            proc.wait()
        home.cleanup()


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Environment variables set for the block (the server process inherits them)."""
    previous = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in previous.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def chromium(width: int = 1440, height: int = 1000) -> Iterator[Any]:
    """A Playwright page in Debian's Chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
            yield context.new_page()
        finally:
            browser.close()


def settle(page: Any, quiet: float = 1.0, timeout: float = 90) -> None:
    """Wait until Streamlit has finished running and the DOM has not changed for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=timeout * 1000)  # every page has a title
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        running = script_state(page) != "notRunning"
        skeleton = page.locator('[data-testid="stSkeleton"]').count() > 0
        html = page.evaluate("document.body ? document.body.innerHTML.length : 0")
        if running or skeleton or html != last:
            last, since = html, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.2)
    raise TimeoutError("the page kept changing")


def script_state(page: Any) -> str:
    """Streamlit's script state as the app reports it: "running", "notRunning", ..."""
    return page.evaluate("""() => { const app = document.querySelector('[data-testid="stApp"]');
                                    return app ? app.getAttribute('data-test-script-state') || '' : ''; }""")


def open_page(page: Any, title: str) -> None:
    """Click a page in the sidebar navigation and wait for it."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    settle(page)

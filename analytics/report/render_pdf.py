"""PDF of a report: the print variant of the HTML (A4, page numbers, SVG charts) laid out by a
headless Chromium when one is installed, else by weasyprint.

Chromium lays out the long ranking and evidence tables about twice as fast as weasyprint (2.2 s
against 5.1 s for 200 requirements on the 2-core machine), which keeps a big backlog inside the
5 s target; weasyprint needs no browser. Chromium's PDF text layer maps some CJK ideographs to
look-alike Kangxi radicals (入 is extracted as ⼊), so search and copy in a Chinese report would
break: a report with CJK text always goes to weasyprint, whose text layer is exact.
``USERLENS_PDF_ENGINE=chromium|weasyprint`` forces one.
Chinese, Japanese and Korean text renders with the Noto Sans CJK fonts (Debian's fonts-noto-cjk),
named in the template's font-family after the Latin font.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from analytics.errors import UserLensError
from analytics.report.model import Report
from analytics.report.render_html import render_html

ENGINES = ("chromium", "weasyprint")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-pdf-header-footer")
CHROMIUM_TIMEOUT_S = 120
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def pdf_engine(html: str = "") -> str:
    """The engine `render_pdf` will use for `html`: the forced one, else Chromium when installed
    and the text has no CJK characters, else weasyprint."""
    forced = os.environ.get("USERLENS_PDF_ENGINE", "").strip().lower()
    if forced:
        if forced not in ENGINES:
            raise UserLensError(f"USERLENS_PDF_ENGINE must be one of {', '.join(ENGINES)}, not {forced!r}.")
        return forced
    return "chromium" if _chromium() and not _CJK.search(html) else "weasyprint"


def render_pdf(report: Report, *, engine: str | None = None) -> bytes:
    """The report as PDF bytes.

    Parameters
    ----------
    report : Report
        Built by `analytics.report.build_report`.
    engine : {"chromium", "weasyprint"}, optional
        Layout engine; default `pdf_engine(html)`.

    Returns
    -------
    bytes
        A PDF document (A4 portrait).

    Raises
    ------
    UserLensError
        When the chosen engine is not installed or fails.
    """
    html = render_html(report, pdf=True)
    engine = engine or pdf_engine(html)
    if engine == "chromium":
        return _chromium_pdf(html)
    return _weasyprint_pdf(html)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _chromium_pdf(html: str) -> bytes:
    browser = _chromium()
    if not browser:
        raise UserLensError("PDF export with Chromium needs a chromium browser on PATH "
                            "(apt-get install chromium), or set USERLENS_PDF_ENGINE=weasyprint.")
    with tempfile.TemporaryDirectory(prefix="userlens-pdf-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}",
               page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=CHROMIUM_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise UserLensError(f"Chromium did not finish the PDF within {CHROMIUM_TIMEOUT_S} s; "
                                "export HTML instead or set USERLENS_PDF_ENGINE=weasyprint.") from exc
        if done.returncode != 0 or not out.exists() or out.stat().st_size == 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise UserLensError(f"Chromium could not print the PDF ({detail[0]}); "
                                "set USERLENS_PDF_ENGINE=weasyprint to use weasyprint instead.")
        return out.read_bytes()


def _weasyprint_pdf(html: str) -> bytes:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: pango/cairo libraries missing
        raise UserLensError(
            f"PDF export needs weasyprint and pango ({exc}): install them "
            "(pip install weasyprint; apt-get install libpango-1.0-0 fonts-noto-cjk) "
            "or export HTML and print it to PDF from a browser."
        ) from exc
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint.HTML(string=html, base_url=None).write_pdf()

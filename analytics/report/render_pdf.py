"""PDF of a report: weasyprint lays out the print variant of the HTML (A4, page numbers, SVG charts).

Chinese, Japanese and Korean text renders with the Noto Sans CJK fonts (Debian's fonts-noto-cjk),
named in the template's font-family after the Latin font.
"""

from __future__ import annotations

import logging

from analytics.errors import UserLensError
from analytics.report.model import Report
from analytics.report.render_html import render_html


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes.

    Parameters
    ----------
    report : Report
        Built by `analytics.report.build_report`.

    Returns
    -------
    bytes
        A PDF document (A4 portrait).

    Raises
    ------
    UserLensError
        When weasyprint or its system libraries (pango) are missing.
    """
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
    html = weasyprint.HTML(string=render_html(report, pdf=True), base_url=None)
    return html.write_pdf()

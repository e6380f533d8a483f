"""Colours for categories (personas, themes, segments): ten clearly different hues.

Streamlit's own chart theme pairs each hue with a light version of itself (dark blue / light blue,
red / pink ...), so six personas came out as three pairs of near-identical colours. Every figure
that colours categories sets these explicitly (Tableau 10: no two are closer than ΔE 25 in CIELAB).
"""

from __future__ import annotations

CATEGORICAL: tuple[str, ...] = (
    "#4E79A7",  # blue
    "#F28E2B",  # orange
    "#59A14F",  # green
    "#E15759",  # red
    "#B07AA1",  # purple
    "#EDC948",  # yellow
    "#76B7B2",  # teal
    "#9C755F",  # brown
    "#FF9DA7",  # pink
    "#BAB0AC",  # grey
)


def colour(i: int) -> str:
    """The colour of the i-th category (after ten they repeat)."""
    return CATEGORICAL[i % len(CATEGORICAL)]

"""Boilerplate that many feedback texts share, found and stripped before embedding and naming.

App-store and e-commerce exports prefix or suffix many reviews with the same words — a real
export starts a third of its reviews with "（该条评论已经被删除）" — and such a shared phrase
pulls those reviews together and names themes after itself. A phrase is boilerplate when

* it is a proper prefix or suffix of at least ``MIN_SHARE`` of the distinct texts (and of at
  least ``MIN_TEXTS`` of them), ending (prefix) or starting (suffix) at a punctuation mark, a
  bracket or a line break, so it never cuts a word; and
* it has at least ``MIN_CHARS`` letters or digits (short openers such as "很好，" or "Great!" are
  what people write, not boilerplate).

The longest qualifying phrase is stripped first, then the search repeats (stacked boilerplate),
at most ``MAX_ROUNDS`` times. Identical texts count once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

MIN_SHARE = 0.10
MIN_TEXTS = 3
MIN_CHARS = 5
MAX_ROUNDS = 3
MAX_PHRASE = 80  # characters scanned at each end
_BOUNDARY = set("。！？!?.，,；;：:~～…）)】]」』>》\n|")
_OPENERS = set("（(【[「『<《")


def _alnum(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def _prefixes(text: str) -> set[str]:
    """Proper prefixes of `text` that end at a boundary character (the rest has content)."""
    out = set()
    for i, ch in enumerate(text[:MAX_PHRASE]):
        if ch in _BOUNDARY and text[i + 1:].strip():
            out.add(text[:i + 1])
    return out


def _suffixes(text: str) -> set[str]:
    """Proper suffixes of `text` that start after a boundary or at an opening bracket."""
    out = set()
    start = max(1, len(text) - MAX_PHRASE)
    for j in range(start, len(text)):
        if (text[j - 1] in _BOUNDARY or text[j] in _OPENERS) and text[:j].strip():
            out.add(text[j:])
    return out


def find_boilerplate(texts: Sequence[str], *, min_share: float = MIN_SHARE) -> list[tuple[str, str]]:
    """The boilerplate phrases of a corpus, as ("prefix" | "suffix", phrase), in stripping order.

    Parameters
    ----------
    texts : sequence of str
        The corpus (duplicates count once).
    min_share : float
        Smallest share of the distinct texts a phrase must start or end.

    Returns
    -------
    list of tuple
        Empty when the corpus has none.
    """
    current = sorted({str(t).strip() for t in texts if str(t).strip()})
    found: list[tuple[str, str]] = []
    for _ in range(MAX_ROUNDS):
        need = max(MIN_TEXTS, min_share * len(current))
        best: tuple[int, str, str] | None = None
        for where, pieces in (("prefix", _prefixes), ("suffix", _suffixes)):
            counts = Counter(p.strip() for t in current for p in pieces(t))
            for phrase, n in counts.items():
                if n >= need and _alnum(phrase) >= MIN_CHARS and (best is None or len(phrase) > best[0]):
                    best = (len(phrase), where, phrase)
        if best is None:
            break
        found.append((best[1], best[2]))
        current = sorted({s for s in strip_boilerplate(current, [found[-1]]) if s})
    return found


def strip_boilerplate(texts: Sequence[str], phrases: Sequence[tuple[str, str]]) -> list[str]:
    """`texts` with each boilerplate phrase removed where it starts (prefix) or ends (suffix) them.

    A text that is only boilerplate becomes empty.
    """
    out = []
    for text in texts:
        s = str(text).strip()
        for where, phrase in phrases:
            if where == "prefix" and s.startswith(phrase):
                s = s[len(phrase):].strip()
            elif where == "suffix" and s.endswith(phrase):
                s = s[:-len(phrase)].strip()
            elif s == phrase:
                s = ""
        out.append(s)
    return out


_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def has_content(text: str) -> bool:
    """True when the text has at least one letter (empty, digit-only and emoji-only texts have none)."""
    return bool(_LETTER.search(str(text)))

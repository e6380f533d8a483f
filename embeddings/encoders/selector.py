"""Choosing the encoder for a run from the texts it will embed (script and language routing).

Every text gets a language tag from its letters (`text_language`): ``en``; ``latin`` (a Latin
script language other than English: de, es, fr, it, nl, pl, pt, tr ...); ``zh``, ``ja``, ``ko``,
``ru``, ``ar``, ``th``; ``other`` (a script the multilingual model was not trained on, e.g.
Devanagari, Hebrew, Greek); or ``none`` (no letters: empty, digits, emoji only) and ``unknown``
(one or two Latin words, too short to tell), which do not vote.

One run needs one vector space, so the run is routed as a whole (`choose_route`):

* a configured model (``--model`` / ``$USERLENS_MODEL``) is used for everything;
* English keeps the bundled English MiniLM when at most `MIXED_SHARE` of the voting texts are
  in another language;
* otherwise (another language, or a mix) the multilingual USE model embeds the whole run, when
  most voting texts are in a language it covers;
* the character n-gram TF-IDF encoder only when neither applies: mostly uncovered scripts, or the
  multilingual package is missing.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from embeddings.encoders.base import Encoder

MIXED_SHARE = 0.05
SAMPLE = 5000
_CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF))
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Frequent function words: a Latin text is English when it has more of the first set than of the second.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ENGLISH_WORDS = _words("""the and to a an is it i you this that of for in not my with but was have be on
are can do so very just please me its it's i'm don't can't when what why how would will your they there
all from at as or if no has had been get got now use app""")
OTHER_LATIN_WORDS = _words("""el la los las que y es un una por para con sin pero muy del al le les et est
une pas des du au aux ce cette qui sont avec pour mais très der die das und ist nicht ein eine mit auf für
ich sehr zu den dem il lo gli di che non è per della sono anche não com uma os as em mais muito het een
niet van ik je ook dat bardzo nie jest się ve bir bu çok için ile""")
_ACCENTED = re.compile(r"[àâäáãåçéèêëíìîïñóòôöõúùûüýÿßøœæłńśźżğışşİ]")


def _script(ch: str) -> str:
    code = ord(ch)
    if code < 0x250:
        return "latin"
    if 0x3040 <= code <= 0x30FF:
        return "kana"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
        return "hangul"
    if any(lo <= code <= hi for lo, hi in _CJK_RANGES):
        return "han"
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if 0x0600 <= code <= 0x06FF:
        return "arabic"
    if 0x0E00 <= code <= 0x0E7F:
        return "thai"
    name = unicodedata.name(ch, "")
    return "latin" if name.startswith("LATIN") else "other"


def cjk_share(texts: Sequence[str]) -> float:
    """Share of letters that are Chinese, Japanese or Korean characters across `texts`."""
    cjk = letters = 0
    for text in texts:
        for ch in text:
            if ch.isalpha():
                letters += 1
                if any(lo <= ord(ch) <= hi for lo, hi in _CJK_RANGES):
                    cjk += 1
    return cjk / letters if letters else 0.0


def text_language(text: str) -> str:
    """The language tag of one text (see the module docstring)."""
    scripts = Counter(_script(ch) for ch in str(text) if ch.isalpha())
    if not scripts:
        return "none"
    if scripts["kana"]:
        return "ja"
    if scripts["hangul"] > scripts["han"] and scripts["hangul"] >= scripts["latin"]:
        return "ko"
    main = scripts.most_common(1)[0][0]
    if main != "latin" and scripts[main] * 2 < scripts["latin"]:
        main = "latin"
    if main == "han":
        return "zh"
    if main in ("cyrillic", "arabic", "thai"):
        return {"cyrillic": "ru", "arabic": "ar", "thai": "th"}[main]
    if main != "latin":
        return "other"
    lowered = str(text).lower()
    words = _WORD.findall(lowered)
    english = sum(w in ENGLISH_WORDS for w in words)
    other = sum(w in OTHER_LATIN_WORDS for w in words) + len(_ACCENTED.findall(lowered))
    if english == other == 0:
        return "unknown" if len(words) <= 2 else "en"
    return "en" if english >= other else "latin"


@dataclass
class Route:
    """Which encoder a run gets and why: ``kind`` is 'configured', 'english', 'multilingual' or 'tfidf'."""

    kind: str
    languages: dict[str, int] = field(default_factory=dict)
    note: str | None = None


def choose_route(texts: Sequence[str], *, configured: str | None = None,
                 multilingual: bool = True) -> Route:
    """Route a run by the languages of (a sample of) its texts; see the module docstring.

    Parameters
    ----------
    texts : sequence of str
        Texts the encoder will embed (the first `SAMPLE` are looked at).
    configured : str, optional
        A model the user configured; it wins.
    multilingual : bool
        Whether the multilingual model is installed.

    Returns
    -------
    Route
    """
    languages = Counter(text_language(t) for t in list(texts)[:SAMPLE])
    if configured:
        return Route("configured", dict(languages))
    voting = {k: v for k, v in languages.items() if k not in ("none", "unknown")}
    total = sum(voting.values())
    non_english = total - voting.get("en", 0)
    if total == 0 or non_english <= MIXED_SHARE * total:
        note = None
        if non_english:
            note = (f"{non_english} of {total} texts are not in English; the English model embedded "
                    "them too (the multilingual model takes over above "
                    f"{MIXED_SHARE:.0%} of the texts).")
        return Route("english", dict(languages), note)
    uncovered = voting.get("other", 0)
    langs = ", ".join(f"{k} {v}" for k, v in sorted(voting.items(), key=lambda kv: -kv[1]))
    if multilingual and uncovered * 2 <= total:
        mixed = "a mix of languages" if voting.get("en", 0) else "not in English"
        return Route("multilingual", dict(languages),
                     f"The feedback is {mixed} ({langs}), so the multilingual Universal Sentence "
                     "Encoder embedded the whole run.")
    why = ("mostly in scripts the multilingual model does not cover" if multilingual
           else "not in English and the multilingual model package is not installed")
    return Route("tfidf", dict(languages),
                 f"The feedback is {why} ({langs}), so a character n-gram TF-IDF + SVD encoder was "
                 "used; set USERLENS_MODEL to a local sentence-transformers folder for better results.")


def default_encoder(texts_sample: Sequence[str] | None = None, model: str | None = None) -> Encoder:
    """The encoder for a run over `texts_sample`, chosen by `choose_route`.

    Parameters
    ----------
    texts_sample : sequence of str, optional
        Texts the encoder will see (routing, and the corpus of the TF-IDF fallback).
    model : str, optional
        A local sentence-transformers folder or cached hub name; defaults to ``$USERLENS_MODEL``,
        then routing between the bundled English MiniLM and the multilingual USE model.

    Returns
    -------
    Encoder
        An encoder with ``name``, ``dim``, ``encode`` and ``note`` (None or a sentence for the UI).
    """
    from embeddings.encoders.multilingual import MultilingualEncoder, multilingual_available
    from embeddings.encoders.sentence_transformer import (
        BUNDLED_MODEL, SentenceTransformerEncoder, bundled_model_path,
    )

    configured = model or os.environ.get("USERLENS_MODEL")
    sample = [str(t) for t in (texts_sample or [])]
    route = choose_route(sample, configured=configured, multilingual=multilingual_available())
    encoder: Encoder
    if route.kind == "configured":
        encoder = SentenceTransformerEncoder(str(configured))
    elif route.kind == "multilingual":
        encoder = MultilingualEncoder()
    elif route.kind == "tfidf":
        from embeddings.encoders.tfidf import TfidfSvdEncoder

        encoder = TfidfSvdEncoder(sample)
    else:
        encoder = SentenceTransformerEncoder(str(bundled_model_path()), name=BUNDLED_MODEL)
    encoder.note = route.note  # type: ignore[attr-defined]
    encoder.route = route  # type: ignore[attr-defined]
    return encoder

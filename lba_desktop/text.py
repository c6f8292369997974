"""Text folding shared by every lookup: case, accents, punctuation, "St"/"Saint" and articles."""

from __future__ import annotations

import re
import unicodedata

# Ligatures NFKD leaves alone, and typographic apostrophes/dashes that must split words.
_PRE = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_COMBINING = re.compile(r"[\u0300-\u036f]+")

_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
ARTICLES = frozenset({"le", "la", "les", "l"})
# Words that carry no meaning in a métier or place query ("conducteur d'engins").
STOPWORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "sur"}
)


def fold(text: str) -> str:
    """Lower-case, accent-free text, words split by single spaces: "L'Isle" → "l isle".

    Apostrophes, hyphens and any punctuation become word breaks so that "Aide-soignant",
    "aide soignant" and "AIDE SOIGNANT" fold to the same string.
    """
    if not text:
        return ""
    if text.isascii():
        # Fast path: most queries typed on a keyboard are ASCII, skip the Unicode work.
        return _NON_WORD.sub(" ", text.lower()).strip()
    # Accents decompose into combining marks that are dropped; any other non-ASCII character
    # (typographic apostrophe, dash, non-breaking space) becomes a word break below.
    decomposed = unicodedata.normalize("NFKD", text.translate(_PRE))
    stripped = _COMBINING.sub("", decomposed)
    return _NON_WORD.sub(" ", stripped.lower()).strip()


def expand_saints(folded: str) -> str:
    """Spell out "st"/"ste" words of a folded text: "st etienne" → "saint etienne"."""
    if "st" not in folded:
        return folded
    return " ".join(_SAINTS.get(word, word) for word in folded.split(" "))


def strip_article(folded: str) -> str:
    """Drop one leading article of a folded text: "le havre" → "havre", "l isle" → "isle".

    A text that is only an article is kept, so that typing "le" still searches something.
    """
    head, sep, rest = folded.partition(" ")
    if sep and head in ARTICLES and rest:
        return rest
    return folded


def place_key(text: str) -> str:
    """The key communes and areas are matched on: folded, saints spelt out, no leading article."""
    return strip_article(expand_saints(fold(text)))


def words(folded: str) -> list[str]:
    """The words of a folded text, without stopwords unless nothing else is left."""
    all_words = folded.split()
    meaningful = [w for w in all_words if w not in STOPWORDS]
    return meaningful or all_words

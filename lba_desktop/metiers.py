"""Métier lookup: free text, ROME codes, sectors and grands domaines to ranked ROME métiers."""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache

from lba_desktop.data.bulk import freeze_long_lived
from lba_desktop.data.referentials import load_grands_domaines, load_metiers, load_sectors
from lba_desktop.errors import InvalidInput, MetierNotFound
from lba_desktop.models import MAX_ROMES, Metier, Sector
from lba_desktop.text import fold, words

_ROME = re.compile(r"^[A-Na-n]\d{4}$")
_ROME_PREFIX = re.compile(r"^[A-Na-n]\d{1,3}$")
_ROME_LIST = re.compile(r"^\s*[A-Na-n]\d{4}(?:\s*[,;\s]\s*[A-Na-n]\d{4})*\s*[,;]?\s*$")

# Ranking tiers, best first.
_EXACT_CODE, _CODE_PREFIX, _STARTS, _WORDS, _SECTOR, _DOMAIN = range(6)
_LABEL_TIERS = (_EXACT_CODE, _CODE_PREFIX, _STARTS, _WORDS)


def _forms(label: str) -> tuple[str, ...]:
    """Folded readings of a gendered label, so that a query can start either one.

    "Mécanicien / Mécanicienne automobile" reads as "mecanicien automobile" and
    "mecanicienne automobile"; the masculine form borrows the words after the feminine one.
    """
    folded = fold(label)
    if " / " not in label:
        return (folded,)
    masculine, _, feminine = label.partition(" / ")
    _, _, tail = feminine.partition(" ")
    forms = [fold(f"{masculine} {tail}"), fold(feminine), folded]
    return tuple(dict.fromkeys(forms))


class MetierIndex:
    """Token-prefix index over the ROME labels, sectors and grands domaines."""

    def __init__(
        self,
        *,
        metiers: Sequence[Metier] | None = None,
        sectors: Sequence[Sector] | None = None,
        grands_domaines: dict[str, str] | None = None,
    ) -> None:
        self._metiers = tuple(metiers if metiers is not None else load_metiers())
        self._sectors = tuple(sectors if sectors is not None else load_sectors())
        self._naf_romes: dict[str, tuple[str, ...]] | None = None
        self._domains = grands_domaines if grands_domaines is not None else load_grands_domaines()
        self._by_code = {m.code: i for i, m in enumerate(self._metiers)}
        self._codes = [m.code for m in self._metiers]  # sorted: the referential is
        self._forms = [_forms(m.label) for m in self._metiers]
        self._label_length = [len(m.label) for m in self._metiers]

        # Postings are bit masks over métier positions: OR for a prefix, AND across words.
        postings: dict[str, int] = {}
        for i, forms in enumerate(self._forms):
            for token in set(forms[-1].split()):
                postings[token] = postings.get(token, 0) | (1 << i)
        self._tokens = sorted(postings)
        self._token_masks = [postings[t] for t in self._tokens]
        self._prefix_cache: dict[str, int] = {}

        self._sector_tokens = [(set(fold(s.label).split()), s) for s in self._sectors]
        self._sector_masks = {
            s.id: self._mask(self._by_code[c] for c in s.romes if c in self._by_code)
            for s in self._sectors
        }
        self._domain_tokens = [
            (set(fold(label).split()), letter) for letter, label in self._domains.items()
        ]
        self._domain_masks = {
            letter: self._mask(i for i, code in enumerate(self._codes) if code[0] == letter)
            for letter in self._domains
        }
        self._suggestion_pool = {
            form: i for i, forms in enumerate(self._forms) for form in forms[:2]
        }

    @staticmethod
    def _mask(indices: object) -> int:
        mask = 0
        for i in indices:  # type: ignore[attr-defined]
            mask |= 1 << i
        return mask

    def _prefix_mask(self, prefix: str) -> int:
        """Métiers having a word that starts with `prefix` (memoised: keystrokes repeat)."""
        cached = self._prefix_cache.get(prefix)
        if cached is not None:
            return cached
        lo = bisect_left(self._tokens, prefix)
        hi = bisect_left(self._tokens, prefix + "\uffff", lo)
        mask = 0
        for m in self._token_masks[lo:hi]:
            mask |= m
        if len(self._prefix_cache) < 50_000:
            self._prefix_cache[prefix] = mask
        return mask

    @staticmethod
    def _indices(mask: int) -> list[int]:
        found = []
        while mask:
            low = mask & -mask
            found.append(low.bit_length() - 1)
            mask ^= low
        return found

    def _scored(self, text: str) -> dict[int, int]:
        """Métier position → best tier for the query."""
        tiers: dict[int, int] = {}

        def add(mask: int, tier: int) -> None:
            for i in self._indices(mask):
                if tiers.get(i, 99) > tier:
                    tiers[i] = tier

        stripped = text.strip()
        if _ROME.match(stripped) and stripped.upper() in self._by_code:
            tiers[self._by_code[stripped.upper()]] = _EXACT_CODE
            return tiers
        if _ROME_PREFIX.match(stripped):
            prefix = stripped.upper()
            lo = bisect_left(self._codes, prefix)
            hi = bisect_left(self._codes, prefix + "\uffff", lo)
            for i in range(lo, hi):
                tiers[i] = _CODE_PREFIX
            return tiers

        folded = fold(stripped)
        if not folded:
            return tiers
        query_words = words(folded)
        mask = -1
        for word in query_words:
            mask &= self._prefix_mask(word)
            if not mask:
                break
        if mask > 0:
            for i in self._indices(mask):
                starts = any(form.startswith(folded) for form in self._forms[i])
                tiers[i] = _STARTS if starts else _WORDS

        # Sectors and grands domaines: every query word must start a word of their name.
        for tokens, sector in self._sector_tokens:
            if all(any(t.startswith(w) for t in tokens) for w in query_words):
                add(self._sector_masks[sector.id], _SECTOR)
        for tokens, letter in self._domain_tokens:
            if all(any(t.startswith(w) for t in tokens) for w in query_words):
                add(self._domain_masks[letter], _DOMAIN)
        return tiers

    def _rank(self, i: int, tier: int) -> tuple[int, int, str]:
        # Codes typed as codes list in code order; text matches shortest label first.
        return (tier, 0 if tier <= _CODE_PREFIX else self._label_length[i], self._codes[i])

    def lookup(self, text: str, *, limit: int = 20) -> tuple[Metier, ...]:
        """Ranked métiers: exact code, code prefix, label start, label words, sector, domain."""
        if limit <= 0 or not text:
            return ()
        tiers = self._scored(text)
        ranked = sorted(tiers, key=lambda i: self._rank(i, tiers[i]))
        return tuple(self._metiers[i] for i in ranked[:limit])

    def romes_for(self, text: str, *, max_codes: int = MAX_ROMES) -> tuple[str, ...]:
        """The ROME codes a search should use for `text` (at most 20, the upstream cap).

        "D1102, D1104" is taken as is. Free text keeps its label matches; sectors and grands
        domaines only count when no label matches, so "boulanger" does not drag in the whole
        food industry.
        """
        max_codes = max(1, min(max_codes, MAX_ROMES))
        if not text or not fold(text):
            raise InvalidInput(
                "Aucun métier saisi.",
                hint="Tapez le début d'un métier (« boulang »), un code ROME ou un secteur.",
            )
        if _ROME_LIST.match(text):
            codes = re.findall(r"[A-Na-n]\d{4}", text)
            return tuple(dict.fromkeys(code.upper() for code in codes))[:max_codes]
        tiers = self._scored(text)
        if not tiers:
            raise MetierNotFound(text.strip(), self._suggestions(text))
        best = min(tiers.values())
        keep = _LABEL_TIERS if best in _LABEL_TIERS else (best,)
        ranked = sorted(
            (i for i, tier in tiers.items() if tier in keep),
            key=lambda i: self._rank(i, tiers[i]),
        )
        return tuple(self._codes[i] for i in ranked[:max_codes])

    def all(self) -> tuple[Metier, ...]:
        """Every métier of the referential, in code order."""
        return self._metiers

    def get(self, code: str) -> Metier | None:
        index = self._by_code.get(code.strip().upper())
        return None if index is None else self._metiers[index]

    def sectors(self) -> tuple[Sector, ...]:
        return self._sectors

    def romes_of_naf(self, naf_code: str) -> tuple[str, ...]:
        """The métiers of a company's activity sector: the sectors are the NAF divisions
        (the first two digits of "10.71C" or "1071C"), each with the ROME codes it employs."""
        digits = "".join(ch for ch in naf_code if ch.isdigit())[:2]
        if len(digits) < 2:
            return ()
        if self._naf_romes is None:
            self._naf_romes = {
                str(int(sector.id)): sector.romes for sector in self._sectors if sector.id.isdigit()
            }
        return self._naf_romes.get(str(int(digits)), ())

    def _suggestions(self, text: str) -> tuple[str, ...]:
        """Labels spelt closest to the text, for "did you mean"."""
        close = difflib.get_close_matches(fold(text), self._suggestion_pool, n=5, cutoff=0.6)
        labels = [self._metiers[self._suggestion_pool[form]].label for form in close]
        return tuple(dict.fromkeys(labels))


@lru_cache(maxsize=1)
def default_metier_index() -> MetierIndex:
    """The index over the shipped ROME referential, built on first use."""
    built = MetierIndex()
    freeze_long_lived()  # it lives as long as the process: out of the collector's rounds
    return built

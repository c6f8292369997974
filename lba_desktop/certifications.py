"""Diploma lookup: the RNCP certifications the catalogue's trainings prepare, found by title,
usual acronym (« cap boulanger », « bts mco ») or code, with the ROME codes linked to each."""

from __future__ import annotations

import re
import threading
import weakref
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lba_desktop.data.catalogue import CatalogueStore
from lba_desktop.errors import InvalidInput
from lba_desktop.models import Certification
from lba_desktop.text import STOPWORDS, fold, words

RNCP_CODE = re.compile(r"^\s*(?:rncp\s*)?(\d{2,5})\s*$", re.IGNORECASE)

# Diploma kinds as counsellors type them, with the spelled-out forms upstream titles and
# `diploma` fields use. A certification whose text holds either form gets both, so « cap »
# finds « CERTIFICAT D'APTITUDES PROFESSIONNELLES » and « certificat » finds « CAP … ».
# (short forms, spelled-out forms), every form folded.
DIPLOMA_KINDS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("capa",), ("cap agricole", "certificat d aptitude professionnelle agricole")),
    (
        ("cap",),
        (
            "certificat d aptitude professionnelle",
            "certificat d aptitudes professionnelles",
            "certificat d aptitude professionnel",
        ),
    ),
    (("bep",), ("brevet d etudes professionnelles",)),
    (("bp",), ("brevet professionnel",)),
    (("bma",), ("brevet des metiers d art",)),
    (("btm",), ("brevet technique des metiers",)),
    (("bac pro",), ("baccalaureat professionnel", "bac professionnel")),
    (("btsa",), ("brevet de technicien superieur agricole", "bts agricole")),
    (("bts",), ("brevet de technicien superieur",)),
    (("but",), ("bachelor universitaire de technologie",)),
    (("dut",), ("diplome universitaire de technologie",)),
    (("mc",), ("mention complementaire",)),
    (("cs",), ("certificat de specialisation",)),
    (("titre pro", "tp"), ("titre professionnel",)),
    (("licence pro", "lp"), ("licence professionnelle",)),
    (("de",), ("diplome d etat",)),
    (("licence",), ()),
    (("master",), ()),
)

# Ranking tiers, best first.
_KIND_AND_WORDS, _WORDS = range(2)


# Needles over texts written "| text one | text two ": a short form counts at the start of a
# text only (« de » is also a plain word), a spelled-out form anywhere (« … (CERTIFICAT
# D'APTITUDES PROFESSIONNELLES) »). Plain substring tests: a regex was 10 times slower.
_KIND_NEEDLES = tuple(
    (short, long, tuple(f"| {form} " for form in short) + tuple(f" {form} " for form in long))
    for short, long in DIPLOMA_KINDS
)


@dataclass(frozen=True, slots=True)
class _Entry:
    certification: Certification
    tokens: frozenset[str]  # every word it is found by
    kinds: frozenset[str]  # the short forms of its diploma kind(s)
    title_words: tuple[str, ...]  # its title's meaningful words, to rank closer titles first


_KIND_FORMS_LONGEST_FIRST = sorted(
    (form for short, long in DIPLOMA_KINDS for form in short + long), key=len, reverse=True
)


def _initials(specialty: str) -> str:
    """« management commercial operationnel » → « mco »; stop words have no letter."""
    return "".join(w[0] for w in specialty.split() if w not in STOPWORDS)


def _kinds_and_words(texts: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """The diploma kinds a certification's texts name, and the words of all their forms."""
    kinds: set[str] = set()
    extra: set[str] = set()
    joined = "".join(f"| {text} " for text in texts)
    for short, long, needles in _KIND_NEEDLES:
        if any(needle in joined for needle in needles):
            kinds.update(short)
            for form in short + long:
                extra.update(form.split())
    return kinds, extra


def _specialty(folded_title: str) -> str:
    """The title without its leading diploma kind: « bts management commercial operationnel »
    → « management commercial operationnel »."""
    for form in _KIND_FORMS_LONGEST_FIRST:
        if folded_title.startswith(form + " "):
            return folded_title[len(form) + 1 :]
    return folded_title


def _entry(certification: Certification, diploma: str) -> _Entry:
    title = fold(certification.title)
    texts = (title, fold(certification.label), fold(diploma))
    kinds, kind_words = _kinds_and_words(texts)
    tokens = {word for text in texts for word in text.split()} | kind_words
    specialty = _specialty(title)
    acronym = _initials(specialty)
    if len(acronym) >= 2:
        tokens.add(acronym)
    label_acronym = _initials(fold(certification.label))
    if len(label_acronym) >= 2:
        tokens.add(label_acronym)
    tokens.add(certification.rncp.lower())
    return _Entry(certification, frozenset(tokens), frozenset(kinds), tuple(words(specialty)))


def _most_common(counted: Counter[str]) -> str:
    counted = Counter({v: n for v, n in counted.items() if v})
    if not counted:
        return ""
    # The most used spelling; ties go to the one with capitals (« CAP Boulanger »).
    return max(counted, key=lambda v: (counted[v], v != v.upper(), -len(v), v))


def certifications_of(rows: Sequence[Sequence[Any]]) -> list[tuple[Certification, str]]:
    """Certifications (with their usual `diploma` text) from `certification_rows()`."""
    grouped: dict[str, list[Sequence[Any]]] = {}
    for row in rows:
        grouped.setdefault(str(row[0]), []).append(row)
    found = []
    for code, group in grouped.items():
        titles: Counter[str] = Counter()
        labels: Counter[str] = Counter()
        diplomas: Counter[str] = Counter()
        romes: Counter[str] = Counter()
        levels: Counter[int] = Counter()
        for _code, title, label, diploma, level, codes, n in group:
            titles[str(title or "")] += n
            labels[str(label or "")] += n
            diplomas[str(diploma or "")] += n
            for rome in str(codes or "").split():
                romes[rome] += n
            if isinstance(level, int):
                levels[level] += n
        certification = Certification(
            rncp=code,
            title=_most_common(titles),
            label=_most_common(labels),
            diploma_level=levels.most_common(1)[0][0] if levels else None,
            romes=tuple(sorted(romes, key=lambda r: (-romes[r], r))),
            trainings=sum(row[6] for row in group),
        )
        found.append((certification, _most_common(diplomas)))
    return found


class CertificationIndex:
    """Token-prefix lookup over the certifications of one catalogue."""

    def __init__(self, certifications: Sequence[tuple[Certification, str]]) -> None:
        self._entries = [_entry(c, diploma) for c, diploma in certifications]
        self._by_code = {e.certification.rncp: e.certification for e in self._entries}
        self._position = {e.certification.rncp: i for i, e in enumerate(self._entries)}
        postings: dict[str, set[int]] = {}
        for i, entry in enumerate(self._entries):
            for token in entry.tokens:
                postings.setdefault(token, set()).add(i)
        self._tokens = sorted(postings)
        self._postings = [frozenset(postings[t]) for t in self._tokens]
        self._prefix_cache: dict[str, frozenset[int]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def _with_prefix(self, word: str) -> frozenset[int]:
        """Entries having a token that starts with `word` (memoised: keystrokes repeat)."""
        cached = self._prefix_cache.get(word)
        if cached is None:
            lo = bisect_left(self._tokens, word)
            hi = bisect_left(self._tokens, word + "\uffff", lo)
            cached = frozenset().union(*self._postings[lo:hi])
            if len(self._prefix_cache) < 20_000:
                self._prefix_cache[word] = cached
        return cached

    def get(self, code: str) -> Certification | None:
        """The certification of an RNCP code (« RNCP38014 », « rncp 38014 », « 38014 »)."""
        match = RNCP_CODE.match(code or "")
        return self._by_code.get(f"RNCP{match.group(1)}") if match else None

    def lookup(self, text: str, *, limit: int = 10) -> tuple[Certification, ...]:
        """Certifications whose title, diploma kind or acronyms start every typed word: those
        of the diploma kind typed first, then those whose title has the fewest words left
        untyped, then the most taught."""
        if limit <= 0 or not text or not fold(text):
            return ()
        exact = self.get(text)
        if exact is not None:
            return (exact,)
        folded = fold(text)
        query = words(folded)
        matching: frozenset[int] | None = None
        for word in query:
            found = self._with_prefix(word)
            matching = found if matching is None else matching & found
            if not matching:
                return ()
        typed_kinds = _typed_kinds(folded)
        # Words after the diploma kind typed say which specialty: « pro » of « licence pro »
        # does not make « programmatique » a closer title.
        longest = max(typed_kinds, key=len, default="")
        specialty = words(folded[len(longest) :].strip()) if longest else query
        scored = []
        for i in matching or ():
            entry = self._entries[i]
            c = entry.certification
            untyped = sum(
                1 for w in entry.title_words if not any(w.startswith(q) for q in specialty)
            )
            tier = _KIND_AND_WORDS if typed_kinds & entry.kinds else _WORDS
            scored.append(((tier, untyped, -c.trainings, c.rncp), c))
        scored.sort(key=lambda pair: pair[0])
        return tuple(c for _key, c in scored[:limit])

    def resolve(self, text: str) -> Certification | None:
        """The certification a typed text clearly names: an RNCP code, or a diploma kind
        followed by words of its title (« cap boulanger »), the best match of that kind."""
        exact = self.get(text)
        if exact is not None:
            return exact
        folded = fold(text)
        typed = _typed_kinds(folded)
        longest = max(typed, key=len, default="")
        if not longest or not words(folded[len(longest) :].strip()):
            return None
        found = self.lookup(text, limit=1)
        if not found:
            return None
        entry = self._entries[self._position[found[0].rncp]]
        return found[0] if typed & entry.kinds else None


def names_only_a_kind(text: str) -> bool:
    """« bts », « bac pro »: a diploma kind and nothing that says which one."""
    folded = fold(text)
    return any(folded == form for short, _long in DIPLOMA_KINDS for form in short)


def _typed_kinds(folded: str) -> set[str]:
    """The diploma kinds a query starts with (« bac pro commerce » → {"bac pro"})."""
    return {
        form
        for short, _long in DIPLOMA_KINDS
        for form in short
        if folded == form or folded.startswith(form + " ")
    }


_INDEXES: weakref.WeakKeyDictionary[CatalogueStore, CertificationIndex] = (
    weakref.WeakKeyDictionary()
)
_INDEXES_LOCK = threading.Lock()


def certification_index(store: CatalogueStore) -> CertificationIndex:
    """The index over a catalogue's certifications, built on first use (one per open file)."""
    with _INDEXES_LOCK:
        index = _INDEXES.get(store)
    if index is None:
        index = CertificationIndex(certifications_of(store.certification_rows()))
        with _INDEXES_LOCK:
            index = _INDEXES.setdefault(store, index)
    return index


def certification_for_rncp(store: CatalogueStore, code: str) -> Certification:
    """The certification of an RNCP code typed for a search, or a French message."""
    if not RNCP_CODE.match(code or ""):
        raise InvalidInput(
            f"Code RNCP invalide : « {code.strip()} ».",
            hint="Un code RNCP s'écrit « RNCP » suivi de 2 à 5 chiffres, par exemple RNCP38014.",
        )
    found = certification_index(store).get(code)
    if found is None:
        raise InvalidInput(
            f"Aucune formation du catalogue ne prépare la certification {code.strip().upper()}.",
            hint="Cherchez le diplôme par son intitulé (« cap boulanger ») ou synchronisez "
            "le territoire.",
        )
    return found

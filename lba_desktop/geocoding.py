"""Offline geocoder: turns what a counsellor types into a commune, département, région or France."""

from __future__ import annotations

import dataclasses
import heapq
import re
import threading
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lba_desktop import paths
from lba_desktop.data.bulk import freeze_long_lived
from lba_desktop.data.place_index import (
    FILE_NAME,
    PlaceIndexFile,
    open_place_index,
    source_key,
    write_place_index,
)
from lba_desktop.data.referentials import (
    load_arrondissements,
    load_communes,
    load_departements,
    load_regions,
)
from lba_desktop.errors import AmbiguousPlace, InvalidInput, PlaceNotFound
from lba_desktop.models import Commune, Departement, Place, PlaceKind, Region
from lba_desktop.text import expand_saints, fold, place_key, strip_article

FRANCE_CENTRE = (46.6, 2.4)  # centre of metropolitan France, for a search over the whole country
FRANCE_LABEL = "France entière"
_FRANCE_WORDS = ("france", "france entiere", "toute la france")

# A name shared by several places resolves to the biggest only when it dwarfs the next one
# ("Lyon" vs tiny homonyms); "Saint-Denis" 93 vs 974 are of the same size and stay ambiguous.
DOMINANCE_RATIO = 5
# A commune named like its own area (Paris) wins over the area from this population up;
# below SMALL_HOMONYM it loses to the area (the village of Bretagne in the Territoire de
# Belfort against the région); in between (Vienne, Isère vs the Vienne département) it is ambiguous.
BIG_HOMONYM = 100_000
SMALL_HOMONYM = 10_000

# « Paris 11e », « Lyon 1er arrondissement », « Marseille 8eme arr. » (folded text).
_ARRONDISSEMENT = re.compile(r"^(.+?) (\d{1,2}) ?(?:e|er|eme)(?: arr(?:ondissement|\.)?)?$")
_DEP_CODE = re.compile(r"^(?:\d{1,2}|2[ab]|97[1-6])$")
_INSEE = re.compile(r"^\d[\dab]\d{3}$")
_PAREN = re.compile(r"^(.*?)\(([^()]*)\)\s*$")

# Above this many prefix matches, ranking by scanning the range costs more than walking the
# communes from the most to the least populated and keeping those inside the range.
_SCAN_LIMIT = 1500

# The tables a geocoder reading the kept index builds in memory on first use.
_MEMORY_ONLY = frozenset(
    {"_population", "_key_index", "_full_index", "_postcode_index", "_keys_by_initial"}
)


def _dep_code(token: str) -> str:
    """Normalise a folded département number: "1" → "01", "2a" → "2A"."""
    token = token.upper()
    return token.zfill(2) if token.isdigit() and len(token) == 1 else token


class _PrefixIndex:
    """Sorted keys with their commune ids, for prefix ranges found by bisection.

    Ranking a range by population is done by partial sort when the range is small, or by
    walking a global population order when it is big ("s", "saint"): both stay well under a
    millisecond whatever the prefix.
    """

    def __init__(self, entries: Iterable[tuple[str, int]], by_population: Sequence[int]) -> None:
        ordered = sorted(entries)
        self.keys = [key for key, _ in ordered]
        self.ids = [ident for _, ident in ordered]
        self._by_population = by_population
        self._positions: dict[int, list[int]] = defaultdict(list)
        for position, ident in enumerate(self.ids):
            self._positions[ident].append(position)

    def range(self, prefix: str) -> tuple[int, int]:
        lo = bisect_left(self.keys, prefix)
        # "\uffff" sorts after every character a folded key can hold.
        hi = bisect_left(self.keys, prefix + "\uffff", lo)
        return lo, hi

    def top(self, prefix: str, k: int, rank: Sequence[int]) -> list[int]:
        """Up to k distinct ids whose key starts with prefix, the highest `rank` first."""
        lo, hi = self.range(prefix)
        if hi - lo <= _SCAN_LIMIT:
            ids = set(self.ids[lo:hi])
            return heapq.nlargest(k, ids, key=rank.__getitem__)
        found: list[int] = []
        for ident in self._by_population:
            if any(lo <= p < hi for p in self._positions.get(ident, ())):
                found.append(ident)
                if len(found) == k:
                    break
        return found


@dataclass(frozen=True, slots=True)
class _Hints:
    """What a query says besides the name: "(974)", "(département 15)", "(région)"."""

    name: str  # the folded text left once the hints are removed
    departement: str = ""  # normalised code ("09"), for an exact filter
    area: PlaceKind | None = None
    typed_code: str = ""  # as typed ("9"), a prefix filter while the user is still typing
    trailing: bool = False  # given as a bare trailing number ("Paris 15"), not in brackets


class Geocoder:
    """In-memory indexes over the communes and areas; build once, query on every keystroke."""

    def __init__(
        self,
        *,
        communes: Sequence[Commune] | None = None,
        departements: dict[str, Departement] | None = None,
        regions: dict[str, Region] | None = None,
        index: PlaceIndexFile | None = None,
    ) -> None:
        # Guards building the in-memory tables of an instance reading a kept index: the window
        # builds them on a worker thread while its autocomplete may already ask for them.
        self._memory_lock = threading.Lock()
        self._departements = departements if departements is not None else load_departements()
        self._regions = regions if regions is not None else load_regions()
        if index is not None:
            self._attach(index)
        else:
            self._build(communes if communes is not None else load_communes())

    def _build(self, communes: Sequence[Commune]) -> None:
        """Every table in memory, from the communes."""
        self._communes = tuple(communes)
        self._population = [c.population for c in self._communes]
        by_population = sorted(range(len(self._communes)), key=lambda i: -self._population[i])
        self._by_insee = {c.insee: i for i, c in enumerate(self._communes)}

        # Two name forms: without the leading article ("havre") to find "Le Havre" from
        # "Havre", and with it ("le havre") so that "le pin" prefers Le Pin over La Pin.
        self._by_key: Mapping[str, list[int]] = defaultdict(list)
        self._by_full: Mapping[str, list[int]] = defaultdict(list)
        key_entries: list[tuple[str, int]] = []
        full_entries: list[tuple[str, int]] = []
        for i, commune in enumerate(self._communes):
            full = expand_saints(fold(commune.name))
            key = strip_article(full)
            self._by_key[key].append(i)
            self._by_full[full].append(i)
            key_entries.append((key, i))
            if full != key:
                full_entries.append((full, i))
        self._key_index = _PrefixIndex(key_entries, by_population)
        self._full_index = _PrefixIndex(full_entries, by_population)
        self._postcode_index = _PrefixIndex(
            ((pc, i) for i, c in enumerate(self._communes) for pc in c.postcodes), by_population
        )
        self._postcodes = self._group_postcodes()

        # Areas are few (101 + 18): plain dicts and small sorted lists.
        members: dict[str, list[Commune]] = defaultdict(list)
        region_members: dict[str, list[Commune]] = defaultdict(list)
        for commune in self._communes:
            members[commune.departement].append(commune)
            region_members[commune.region].append(commune)
        self._dep_places = {
            code: self._area_place(
                PlaceKind.DEPARTEMENT,
                code,
                f"{dep.name} (département {code})",
                members.get(code, []),
                departement=code,
                region=dep.region,
            )
            for code, dep in self._departements.items()
        }
        self._region_places = {
            code: self._area_place(
                PlaceKind.REGION,
                code,
                f"{region.name} (région)",
                region_members.get(code, []),
                region=code,
            )
            for code, region in self._regions.items()
        }
        # In autocomplete an area ranks like its biggest commune: "pa" lists Paris before
        # Pays de la Loire, whose total population is larger but whose biggest city is not.
        self._area_weight: dict[tuple[PlaceKind, str], int] = {}
        for kind, groups in ((PlaceKind.DEPARTEMENT, members), (PlaceKind.REGION, region_members)):
            for code, group in groups.items():
                self._area_weight[(kind, code)] = max((c.population for c in group), default=0)
        self._set_areas(sum(self._population))
        # Fuzzy suggestions only look at names starting with the same letter: typos rarely
        # hit the first one, and it keeps the comparison to a few thousand names.
        self._keys_by_initial: dict[str, list[str]] = defaultdict(list)
        for key in self._by_key:
            self._keys_by_initial[key[:1]].append(key)

    def _set_areas(self, population: int) -> None:
        """What follows from the area places: their sorted keys, France."""
        self._area_keys: list[tuple[str, Place]] = sorted(
            [(place_key(d.name), self._dep_places[c]) for c, d in self._departements.items()]
            + [(place_key(r.name), self._region_places[c]) for c, r in self._regions.items()],
            key=lambda pair: pair[0],
        )
        self._area_key_list = [key for key, _ in self._area_keys]
        self._france = Place(
            PlaceKind.FRANCE, "FR", FRANCE_LABEL, *FRANCE_CENTRE, population=population
        )

    # --- the kept place index -------------------------------------------------------------

    def _attach(self, index: PlaceIndexFile) -> None:
        """Exact look-ups read from the kept index; the prefix and spelling tables, needed by
        autocomplete and by a misspelt place only, are built in memory on first use."""
        self._communes = index.communes
        self._by_insee = _FirstOf(index.lookup("insee"))
        self._by_key = index.lookup("key")
        self._by_full = index.lookup("full")
        self._postcodes = index.lookup("postcode")
        self._dep_places = {p.code: p for p in map(_place_of, index.extra("departements"))}
        self._region_places = {p.code: p for p in map(_place_of, index.extra("regions"))}
        self._area_weight = {
            (PlaceKind(kind), code): weight for kind, code, weight in index.extra("area_weight")
        }
        self._set_areas(index.extra("population"))

    def __getattr__(self, name: str) -> Any:
        # Only reached for an attribute not set: the in-memory tables of an instance reading
        # a kept index. Building them replaces the index's tables by the same ones in memory.
        if name not in _MEMORY_ONLY or "_communes" not in self.__dict__:
            raise AttributeError(name)
        self.warm()
        return self.__dict__[name]

    def warm(self) -> None:
        """Build the in-memory tables now if this instance reads a kept index (they are
        otherwise built at the first autocomplete or misspelt place); once per instance."""
        with self._memory_lock:
            if not self.__dict__.keys() >= _MEMORY_ONLY:
                self._build(load_communes())
                freeze_long_lived()  # as long-lived as default_geocoder's tables

    def kept_tables(
        self,
    ) -> tuple[Sequence[Commune], dict[str, dict[str, list[int]]], dict[str, Any]]:
        """What the kept index stores: the communes, the exact look-ups, the areas."""
        communes = self._communes
        lookups = {
            "insee": {k: [v] for k, v in self._by_insee.items()},
            "key": dict(self._by_key),
            "full": dict(self._by_full),
            "postcode": dict(self._postcodes),
        }
        extras = {
            "departements": [_place_fields(p) for p in self._dep_places.values()],
            "regions": [_place_fields(p) for p in self._region_places.values()],
            "area_weight": [[k.value, c, w] for (k, c), w in self._area_weight.items()],
            "population": self._france.population,
        }
        return communes, lookups, extras

    # --- building helpers -----------------------------------------------------------------

    def _group_postcodes(self) -> dict[str, list[int]]:
        grouped: dict[str, list[int]] = defaultdict(list)
        for i, commune in enumerate(self._communes):
            for postcode in commune.postcodes:
                grouped[postcode].append(i)
        return grouped

    @staticmethod
    def _area_place(
        kind: PlaceKind,
        code: str,
        label: str,
        communes: Sequence[Commune],
        *,
        departement: str = "",
        region: str = "",
    ) -> Place:
        """An area's point is the population-weighted centre of its communes."""
        population = sum(c.population for c in communes)
        if population:
            lat = sum(c.lat * c.population for c in communes) / population
            lon = sum(c.lon * c.population for c in communes) / population
        elif communes:
            # Mayotte has no population figures in the source: plain mean.
            lat = sum(c.lat for c in communes) / len(communes)
            lon = sum(c.lon for c in communes) / len(communes)
        else:
            lat, lon = FRANCE_CENTRE
        return Place(
            kind,
            code,
            label,
            round(lat, 5),
            round(lon, 5),
            departement=departement,
            region=region,
            population=population,
        )

    def _commune_place(self, index: int, postcode: str = "", *, exact: bool = True) -> Place:
        """The commune's place; `postcode` an exact one of Paris, Lyon or Marseille places it
        at that arrondissement (`exact=False`: a postcode only begun, the commune itself)."""
        c = self._communes[index]
        arrondissement = load_arrondissements().get(postcode) if postcode and exact else None
        if arrondissement is not None and arrondissement.commune == c.insee:
            # 75011 is the 11th arrondissement, not the middle of Paris: search around it.
            # The code stays the commune's, the one items and upstream's `insee` carry.
            return Place(
                PlaceKind.COMMUNE,
                c.insee,
                f"{arrondissement.name} ({c.departement})",
                arrondissement.lat,
                arrondissement.lon,
                departement=c.departement,
                region=c.region,
                postcode=postcode,
                population=c.population,
            )
        return Place(
            PlaceKind.COMMUNE,
            c.insee,
            f"{c.name} ({c.departement})",
            c.lat,
            c.lon,
            departement=c.departement,
            region=c.region,
            postcode=postcode or (c.postcodes[0] if c.postcodes else ""),
            population=c.population,
        )

    def _arrondissement(self, place: Place, number: str) -> Place | None:
        """« Paris 11 », « Lyon 3 »: the arrondissement, by the postcode its number makes."""
        if place.kind is not PlaceKind.COMMUNE or not number.isdigit() or not place.departement:
            return None
        postcode = f"{place.departement}{int(number):03d}"
        arrondissement = load_arrondissements().get(postcode)
        if arrondissement is None or arrondissement.commune != place.code:
            return None
        return self._commune_place(self._by_insee[place.code], postcode)

    # --- parsing --------------------------------------------------------------------------

    def _hints(self, text: str) -> _Hints:
        departement = typed_code = ""
        area: PlaceKind | None = None
        name = text
        match = _PAREN.match(text)
        if match:
            inner = fold(match.group(2))
            inner_words = inner.split()
            if inner == "region":
                area = PlaceKind.REGION
                name = match.group(1)
            elif inner_words[:1] == ["departement"]:
                area = PlaceKind.DEPARTEMENT
                if len(inner_words) == 2 and _DEP_CODE.match(inner_words[1]):
                    departement = _dep_code(inner_words[1])
                name = match.group(1)
            elif _DEP_CODE.match(inner):
                departement = _dep_code(inner)
                typed_code = inner.upper()
                name = match.group(1)
            else:
                # "(Seine-Saint-Denis)" or "(La Réunion)": a département named in full.
                dep = self._departement_named(inner)
                if dep:
                    departement = dep
                    name = match.group(1)
        folded = fold(name)
        if not departement and area is None:
            # "Saint-Denis 93", "Saint-Pierre, 974": a trailing département number.
            head, _, last = folded.rpartition(" ")
            if head and not head.isdigit() and _DEP_CODE.match(last):
                departement = _dep_code(last)
                typed_code = last.upper()
                return _Hints(head, departement, None, typed_code, trailing=True)
        return _Hints(folded, departement, area, typed_code or departement)

    def _departement_named(self, folded: str) -> str:
        key = place_key(folded)
        for area_key, place in self._area_keys:
            if area_key == key and place.kind is PlaceKind.DEPARTEMENT:
                return place.code
        return ""

    def _exact_areas(self, key: str) -> list[Place]:
        lo = bisect_left(self._area_key_list, key)
        found = []
        while lo < len(self._area_keys) and self._area_keys[lo][0] == key:
            found.append(self._area_keys[lo][1])
            lo += 1
        return found

    def _prefix_areas(self, key: str) -> list[Place]:
        lo = bisect_left(self._area_key_list, key)
        hi = bisect_left(self._area_key_list, key + "\uffff", lo)
        return [place for _, place in self._area_keys[lo:hi]]

    def _exact_communes(self, folded: str) -> list[int]:
        full = expand_saints(folded)
        if full in self._by_full:
            # The name as typed wins: "le pin" means Le Pin, not La Pin; "Vergné" not La Vergne.
            return list(self._by_full[full])
        return list(self._by_key.get(strip_article(full), ()))

    # --- public API -----------------------------------------------------------------------

    def resolve(self, text: str) -> Place:
        """The one place `text` designates; raises PlaceNotFound, AmbiguousPlace or InvalidInput."""
        raw = (text or "").strip()
        if not fold(raw):
            raise InvalidInput(
                "Aucun lieu saisi.",
                hint="Tapez une commune, un code postal, un département, une région ou « France ».",
            )
        hints = self._hints(raw)
        folded = hints.name
        if folded in _FRANCE_WORDS:
            return self._france
        named = _ARRONDISSEMENT.match(folded)
        if named:  # « Paris 11e arrondissement (75) », as a suggestion writes it back
            try:
                place = self._arrondissement(self.resolve(named.group(1)), named.group(2))
            except (PlaceNotFound, AmbiguousPlace):
                place = None
            if place is not None:
                return place

        compact = folded.replace(" ", "")
        if hints.area is None and not hints.departement:
            if compact.isdigit() and len(compact) == 5:
                if compact in self._postcodes:
                    places = [self._commune_place(i, compact) for i in self._postcodes[compact]]
                    return self._choose(raw, places)
                if compact in self._by_insee:
                    return self._commune_place(self._by_insee[compact])
                raise PlaceNotFound(raw)
            if _INSEE.match(compact) and compact.upper() in self._by_insee:
                return self._commune_place(self._by_insee[compact.upper()])
            if _DEP_CODE.match(compact) and _dep_code(compact) in self._dep_places:
                return self._dep_places[_dep_code(compact)]
        if hints.area is PlaceKind.DEPARTEMENT and hints.departement in self._dep_places:
            return self._dep_places[hints.departement]

        key = place_key(folded)
        areas = [a for a in self._exact_areas(key) if hints.area in (None, a.kind)]
        communes: list[Place] = []
        if hints.area is None:
            communes = [
                self._commune_place(i)
                for i in self._exact_communes(folded)
                if not hints.departement or self._communes[i].departement == hints.departement
            ]
        if hints.departement:
            areas = []
        if communes and areas:
            biggest = max(c.population for c in communes)
            if biggest >= BIG_HOMONYM:
                return self._choose(raw, communes)
            if biggest < SMALL_HOMONYM:
                return self._choose(raw, areas)
            raise AmbiguousPlace(raw, tuple(areas + self._ranked(communes)))
        if areas:
            return self._choose(raw, areas)
        if communes:
            return self._choose(raw, communes)

        if hints.trailing:
            # "Paris 15" means an arrondissement, not the Cantal: drop the number and retry.
            place = self.resolve(hints.name)
            return self._arrondissement(place, hints.typed_code) or place
        # No exact name: accept an unambiguous beginning ("Aurill" → Aurillac).
        started = [p for p in self.candidates(raw, limit=2) if p.kind is not PlaceKind.FRANCE]
        if len(started) == 1:
            return started[0]
        raise PlaceNotFound(raw, self._suggestions(key, started))

    def candidates(self, text: str, *, limit: int = 10) -> tuple[Place, ...]:
        """Ranked places for autocomplete: exact matches first, then prefixes, bigger first."""
        if limit <= 0 or not text or not text.strip():
            return ()
        hints = self._hints(text.strip())
        folded = hints.name
        if not folded and not hints.departement:
            return ()
        # (tier, -population, kind order, place); lower sorts first.
        scored: dict[tuple[PlaceKind, str], tuple[int, int, int, Place]] = {}

        def add(place: Place, tier: int) -> None:
            ident = (place.kind, place.code)
            weight = self._area_weight.get(ident, place.population)
            entry = (tier, -weight, _KIND_ORDER[place.kind], place)
            if ident not in scored or entry[:3] < scored[ident][:3]:
                scored[ident] = entry

        def keep(i: int) -> bool:
            dep = self._communes[i].departement
            return not hints.typed_code or dep.startswith(hints.typed_code)

        if hints.area is PlaceKind.DEPARTEMENT and hints.departement in self._dep_places:
            add(self._dep_places[hints.departement], 0)
        if folded and hints.area is None and not hints.departement:
            if folded in _FRANCE_WORDS:
                add(self._france, 0)
            elif len(folded) >= 2 and any(w.startswith(folded) for w in _FRANCE_WORDS):
                add(self._france, 1)

        compact = folded.replace(" ", "")
        numeric = compact.isdigit()
        if numeric and not hints.departement and hints.area is None:
            if _DEP_CODE.match(compact) and _dep_code(compact) in self._dep_places:
                add(self._dep_places[_dep_code(compact)], 0)
            if len(compact) >= 2:
                exact = len(compact) == 5
                for i in self._postcode_index.top(compact, limit, self._population):
                    postcode = next(p for p in self._communes[i].postcodes if p.startswith(compact))
                    add(self._commune_place(i, postcode, exact=exact), 0 if exact else 1)
            if len(compact) == 5 and compact in self._by_insee:
                add(self._commune_place(self._by_insee[compact]), 0)
        elif _INSEE.match(compact) and compact.upper() in self._by_insee:
            add(self._commune_place(self._by_insee[compact.upper()]), 0)

        if folded and not numeric:
            full = expand_saints(folded)
            key = strip_article(full)
            typed_article = full != key
            # "st" may still be the start of "Stenay": also look the word up as typed.
            variants = {key}
            last = folded.rsplit(" ", 1)[-1]
            if last in ("st", "ste"):
                variants.add(strip_article(folded))
            if not hints.departement:
                for variant in variants:
                    exact_areas = self._exact_areas(variant)
                    for area in self._prefix_areas(variant):
                        if hints.area in (None, area.kind):
                            add(area, 0 if area in exact_areas else 2 if typed_article else 1)
            if hints.area is None:
                pool = limit if not hints.typed_code else max(limit * 20, 200)
                for i in self._by_full.get(full, ()):
                    if keep(i):
                        add(self._commune_place(i), 0)
                for variant in variants:
                    for i in self._key_index.top(variant, pool, self._population):
                        if keep(i):
                            add(self._commune_place(i), 2 if typed_article else 1)
                for i in self._full_index.top(full, pool, self._population):
                    if keep(i):
                        add(self._commune_place(i), 1)
        elif hints.departement and not folded and hints.departement in self._dep_places:
            add(self._dep_places[hints.departement], 0)

        ranked = sorted(scored.values(), key=lambda entry: entry[:3])
        return tuple(entry[3] for entry in ranked[:limit])

    def area_place(self, kind: PlaceKind, code: str) -> Place:
        """The place of a département or région by its code (France for any other kind), the
        same one the search resolves its name to."""
        if kind is PlaceKind.DEPARTEMENT:
            return self._dep_places[code]
        if kind is PlaceKind.REGION:
            return self._region_places[code]
        return self._france

    def departement_codes_of(self, place: Place) -> tuple[str, ...]:
        """The départements an area covers (all of them for France); () for a commune.

        A commune is searched around its point with a radius, not by département.
        """
        if place.kind is PlaceKind.DEPARTEMENT:
            return (place.code,)
        if place.kind is PlaceKind.REGION:
            return tuple(c for c, d in self._departements.items() if d.region == place.code)
        if place.kind is PlaceKind.FRANCE:
            return tuple(self._departements)
        return ()

    # --- decisions ------------------------------------------------------------------------

    @staticmethod
    def _ranked(places: Iterable[Place]) -> list[Place]:
        return sorted(places, key=lambda p: (-p.population, p.label))

    def _choose(self, text: str, places: Sequence[Place]) -> Place:
        ranked = self._ranked(places)
        if len(ranked) == 1:
            return ranked[0]
        first, second = ranked[0], ranked[1]
        if first.population > 0 and first.population >= DOMINANCE_RATIO * second.population:
            return first
        raise AmbiguousPlace(text, tuple(ranked[:10]))

    def _suggestions(self, key: str, started: Sequence[Place]) -> tuple[str, ...]:
        """Close names for a "did you mean": prefix matches, then spelling neighbours."""
        labels = [p.label for p in started]
        # A name more than 3 letters longer or shorter cannot reach the 0.75 similarity
        # cut-off anyway for usual lengths: not worth comparing.
        size = len(key)
        pool = [k for k in self._keys_by_initial.get(key[:1], ()) if abs(len(k) - size) <= 3]
        pool += [k for k, _ in self._area_keys]
        from rapidfuzz import fuzz, process  # only a misspelt place needs it: not at start-up

        # rapidfuzz's ratio is difflib's measure (2 × common letters / total) computed in C:
        # difflib took 2 to 9 ms over the ~2,000 names starting with "s" (a lookup's budget is
        # 2 ms); this takes about 0.3 ms.
        close = [
            m for m, _, _ in process.extract(key, pool, scorer=fuzz.ratio, limit=5, score_cutoff=75)
        ]
        for match in close:
            places = [self._commune_place(i) for i in self._by_key.get(match, ())]
            places += self._exact_areas(match)
            for place in self._ranked(places)[:2]:
                if place.label not in labels:
                    labels.append(place.label)
        return tuple(labels[:5])


_KIND_ORDER = {
    PlaceKind.COMMUNE: 0,
    PlaceKind.DEPARTEMENT: 1,
    PlaceKind.REGION: 2,
    PlaceKind.FRANCE: 3,
}


@lru_cache(maxsize=1)
def default_geocoder() -> Geocoder:
    """The geocoder over the shipped referentials, built on first use."""
    built = Geocoder()
    freeze_long_lived()  # it lives as long as the process: out of the collector's rounds
    return built


def kept_geocoder(folder: Path | None = None) -> Geocoder:
    """A geocoder reading the place index kept in the data folder, written there first when
    missing or built from other referentials. For a process that resolves a few places (a
    command): the window's autocomplete wants every table in memory (`default_geocoder`)."""
    try:
        folder = folder or paths.data_root()
        key = source_key(paths.resource("referentials"))
    except OSError:  # no data folder to keep it in: built in memory as before
        return default_geocoder()
    path = folder / FILE_NAME
    index = open_place_index(path, key)
    if index is not None:
        return Geocoder(index=index)
    built = default_geocoder()
    write_place_index(path, key, *built.kept_tables())
    return built


class _FirstOf(Mapping[str, int]):
    """A look-up of one commune per key (the INSEE code) over a kept index's lists."""

    def __init__(self, lookup: Mapping[str, list[int]]) -> None:
        self._lookup = lookup

    def __getitem__(self, key: str) -> int:
        return self._lookup[key][0]

    def __iter__(self) -> Iterator[str]:
        return iter(self._lookup)

    def __len__(self) -> int:
        return len(self._lookup)


def _place_fields(place: Place) -> dict[str, Any]:
    return {**dataclasses.asdict(place), "kind": place.kind.value}


def _place_of(fields: dict[str, Any]) -> Place:
    return Place(**{**fields, "kind": PlaceKind(fields["kind"])})

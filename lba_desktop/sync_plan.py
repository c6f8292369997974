"""Sync plan: the scope a counsellor asks for and the upstream calls that cover it, split
narrower whenever an answer hits the trainings cap."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from lba_desktop.data.referentials import load_communes, load_departements, load_metiers
from lba_desktop.errors import InvalidInput
from lba_desktop.geo import distance_km
from lba_desktop.metiers import default_metier_index
from lba_desktop.models import MAX_ROMES, Item, Kind

SOURCES: tuple[str, ...] = ("formations", "offres")  # what a sync brings unless told
INSERJEUNES = "inserjeunes"  # the insertion rates' files: asked by name, not per département
KNOWN_SOURCES: tuple[str, ...] = (*SOURCES, INSERJEUNES)
FAMILY_KINDS: dict[str, tuple[Kind, ...]] = {
    "formations": (Kind.FORMATION,),
    "offres": (Kind.OFFRE, Kind.ENTREPRISE, Kind.PARTENARIAT),
    INSERJEUNES: (),  # no items: rates joined onto the trainings
}
DIPLOMA_SPLIT = (3, 4, 5, 6, 7)


# --- Scope and calls --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncScope:
    """What to sync: départements, source families, and optionally a métier's ROME codes."""

    departements: tuple[str, ...]
    sources: tuple[str, ...] = SOURCES
    romes: tuple[str, ...] = ()  # () means every métier

    def key(self) -> str:
        """Fingerprint of the scope: a resume state is only reused for the same one."""
        return hashlib.sha256(
            json.dumps(self.to_dict(), sort_keys=True).encode("utf-8")
        ).hexdigest()[:24]

    def to_dict(self) -> dict[str, Any]:
        return {
            "departements": sorted(self.departements),
            "sources": sorted(self.sources),
            "romes": sorted(self.romes),
        }

    def replaced_pairs(self) -> set[tuple[Kind, str]]:
        return {
            (kind, dep)
            for family in self.sources
            for kind in FAMILY_KINDS[family]
            for dep in self.departements
        }


def make_scope(
    *,
    departements: Iterable[str],
    sources: Iterable[str] = SOURCES,
    romes: Iterable[str] = (),
) -> SyncScope:
    """A checked scope; raises `InvalidInput` (French) on an unknown département or source."""
    known = load_departements()
    deps: list[str] = []
    for raw in departements:
        code = raw.strip().upper()
        if not code:
            continue
        if code.isdigit() and len(code) == 1:
            code = "0" + code
        if code not in known:
            raise InvalidInput(
                f"Département inconnu : « {raw.strip()} ».",
                hint="Donnez des codes de département séparés par des virgules, ex. 15,19,63.",
            )
        if code not in deps:
            deps.append(code)
    if not deps:
        raise InvalidInput(
            "Aucun département à synchroniser.", hint="Par exemple : --departements 15,19,63."
        )
    chosen: list[str] = []
    for raw in sources:
        name = raw.strip().lower()
        if not name:
            continue
        if name not in FAMILY_KINDS:
            raise InvalidInput(
                f"Source inconnue : « {raw.strip()} ».",
                hint="Sources possibles : " + ", ".join(KNOWN_SOURCES) + ".",
            )
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise InvalidInput(
            "Aucune source à synchroniser.", hint="Sources : " + ", ".join(KNOWN_SOURCES) + "."
        )
    codes = tuple(dict.fromkeys(r.strip().upper() for r in romes if r.strip()))
    return SyncScope(tuple(sorted(deps)), tuple(s for s in KNOWN_SOURCES if s in chosen), codes)


@dataclass(frozen=True, slots=True)
class Call:
    """One upstream call of the plan; `key()` identifies it in the resume state."""

    family: str  # "formations" or "offres"
    departement: str
    domain: str = ""  # ROME grand domaine ("D") or domain ("D12"); only sent without romes
    romes: tuple[str, ...] = ()
    diploma: int | None = None
    handi: bool = False  # the jobs pass asking for handicap-engaged employers only
    page: int | None = None  # a page of API Apprentissage's trainings (None: V1)

    def key(self) -> str:
        parts: list[Any] = [self.family, self.departement, self.domain, list(self.romes)]
        parts.append(self.diploma)
        if self.handi:  # only then: resume states written before this pass stay valid
            parts.append("handi")
        if self.page is not None:
            parts.append(["api-apprentissage", self.page])
        return json.dumps(parts)

    def label(self) -> str:
        dep = load_departements().get(self.departement)
        where = f"{dep.name} ({self.departement})" if dep else self.departement
        head = "Formations" if self.family == "formations" else "Offres et entreprises"
        text = f"{head} – {where}"
        if self.romes:
            shown = ", ".join(self.romes[:3]) + ("…" if len(self.romes) > 3 else "")
            text += f" — métiers {shown}"
        elif self.domain:
            text += f" — domaine {self.domain}"
        if self.diploma is not None:
            text += f" — niveau {self.diploma}"
        if self.handi:
            text += " — employeurs handi-engagés"
        if self.page is not None:
            text += f" — API Apprentissage, page {self.page + 1}"
        return text


@lru_cache(maxsize=1)
def _rome_tree() -> tuple[tuple[str, ...], dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(grands domaines, domains per letter, ROME codes per domain) from the métier referential."""
    letters: dict[str, list[str]] = {}
    codes: dict[str, list[str]] = {}
    for metier in load_metiers():
        domains = letters.setdefault(metier.grand_domain, [])
        if metier.domain not in domains:
            domains.append(metier.domain)
        codes.setdefault(metier.domain, []).append(metier.code)
    return (
        tuple(sorted(letters)),
        {k: tuple(sorted(v)) for k, v in letters.items()},
        {k: tuple(sorted(v)) for k, v in codes.items()},
    )


def company_romes(item: Item, asked: tuple[str, ...]) -> tuple[str, ...]:
    """ROME codes for a recruiting company, which the jobs API lists without any: the métiers
    of its NAF sector (what "likely to recruit" rests on), narrowed to the codes the call
    asked for when there were some. Without them a company could not be found by métier."""
    sector = default_metier_index().romes_of_naf(str(item.details.get("naf_code") or ""))
    if asked:
        return tuple(code for code in asked if code in sector) or asked
    return sector


def initial_calls(scope: SyncScope, *, trainings_api: bool = False) -> list[Call]:
    """The first calls of the plan; V1 trainings calls split later when an answer hits the
    cap, API Apprentissage's (`trainings_api`) read their further pages instead. Each jobs
    call is followed by its handicap-engaged twin (the items no longer say it)."""
    calls: list[Call] = []
    for family in scope.sources:
        if family == INSERJEUNES:
            continue  # three national files, fetched apart (sync_insertion)
        for dep in scope.departements:
            step = range(0, len(scope.romes), MAX_ROMES)
            chunks = [scope.romes[i : i + MAX_ROMES] for i in step] if scope.romes else [()]
            for romes in chunks:
                page = 0 if trainings_api and family == "formations" else None
                calls.append(Call(family, dep, romes=romes, page=page))
                if family == "offres":
                    calls.append(Call(family, dep, romes=romes, handi=True))
    return calls


# A département's circle is drawn around its communes' mean point, out to the farthest one.
CIRCLE_MARGIN_KM = 10.0  # a town hall can lie 10 km inside its commune's edge
MAX_CIRCLE_KM = 200.0  # API Apprentissage's radius limit


@lru_cache(maxsize=128)
def departement_circle(code: str) -> tuple[float, float, float]:
    """(latitude, longitude, radius in km) covering a département, for an API that searches
    around a point only; what falls in a neighbour is dropped after the answer."""
    points = [(c.lat, c.lon) for c in load_communes() if c.departement == code]
    if not points:
        raise InvalidInput(f"Département sans commune connue : {code}.")
    lat = sum(p[0] for p in points) / len(points)
    lon = sum(p[1] for p in points) / len(points)
    radius = max(distance_km(lat, lon, p[0], p[1]) for p in points) + CIRCLE_MARGIN_KM
    return round(lat, 5), round(lon, 5), round(min(radius, MAX_CIRCLE_KM), 1)


def split_call(call: Call) -> list[Call]:
    """Narrower calls covering a capped one: département → grand domaine → domain → ROME
    codes (20, then halves) → diploma level. [] when it cannot be narrowed any further."""
    letters, domains, codes = _rome_tree()
    if call.romes:
        if len(call.romes) > 1:
            half = (len(call.romes) + 1) // 2
            return [
                replace(call, romes=call.romes[:half]),
                replace(call, romes=call.romes[half:]),
            ]
    elif not call.domain:
        return [replace(call, domain=letter) for letter in letters]
    elif len(call.domain) == 1:
        return [replace(call, domain=d) for d in domains.get(call.domain, ())]
    else:
        found = codes.get(call.domain, ())
        if found:
            return [
                replace(call, romes=found[i : i + MAX_ROMES])
                for i in range(0, len(found), MAX_ROMES)
            ]
    if call.diploma is None:
        return [replace(call, diploma=level) for level in DIPLOMA_SPLIT]
    return []

"""« Parcours complets »: pairs (training, employer) a young person can reach from home, scored
by what they would travel, built from the search service's results (no SQL of its own)."""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from lba_desktop.errors import InvalidInput
from lba_desktop.geo import distance_km
from lba_desktop.models import (
    DEFAULT_RADIUS_KM,
    MAX_RADIUS_KM,
    MAX_ROMES,
    Item,
    Kind,
    Place,
    PlaceKind,
    SearchCriteria,
)
from lba_desktop.search import SearchService
from lba_desktop.text import fold

EMPLOYER_KINDS = (Kind.PARTENARIAT, Kind.OFFRE, Kind.ENTREPRISE)
# How each kind of employer is named next to a pair: a company is only likely to recruit.
EMPLOYER_LABELS_FR: Mapping[Kind, str] = MappingProxyType(
    {
        Kind.PARTENARIAT: "Offre avec formation incluse",
        Kind.OFFRE: "Offre d'emploi",
        Kind.ENTREPRISE: "Entreprise susceptible de recruter",
    }
)
DEFAULT_PAIR_LIMIT = 50
NO_EMPLOYER_WARNING = "Aucun employeur à portée : prudence avant d'y envoyer ce jeune."


@dataclass(frozen=True, slots=True)
class ReachableTraining:
    """A training within the mobility radius and how many employers it can be paired with."""

    item: Item
    from_home_km: float | None
    employers: int


@dataclass(frozen=True, slots=True)
class Pair:
    """A training and an employer a young person could join together.

    `training` is None for a delegated offer whose CFA has no training in the catalogue: the
    offer is complete by itself (« formation incluse ») even when the training is not listed.
    """

    training: Item | None
    training_from_home_km: float | None
    employer: Item
    employer_from_home_km: float | None
    employer_to_training_km: float | None
    travel_km: float
    included: bool  # a delegated offer: the CFA manages it, the training comes with it

    @property
    def employer_label(self) -> str:
        return EMPLOYER_LABELS_FR[self.employer.kind]

    @property
    def included_cfa(self) -> str:
        """The CFA named on a delegated offer (the training's organisation when it is known)."""
        if self.training is not None:
            return self.training.organisation
        return str((self.employer.details or {}).get("cfa") or "")


@dataclass(frozen=True, slots=True)
class ParcoursResult:
    home: Place | None
    radius_km: int
    romes: tuple[str, ...]
    diploma_level: int | None
    pairs: tuple[Pair, ...]  # « formation incluse » first, then by travel, at most `limit`
    total_pairs: int
    trainings: tuple[ReachableTraining, ...]  # nearest to home first (to the CFA: the chosen one)
    chosen_training: Item | None  # set when the pairs start from one training
    elapsed_ms: float
    # Kinds where the search stopped at its cap (as on the public site: 150 companies…): there
    # may be more employers farther away, so counts read « au moins ».
    capped: frozenset[Kind] = frozenset()

    @property
    def trainings_without_employer(self) -> tuple[ReachableTraining, ...]:
        return tuple(t for t in self.trainings if t.employers == 0)


def is_delegated(item: Item) -> bool:
    """An offer a CFA posts and manages for a company (upstream `is_delegated`, V1
    `mandataire`): the parsers file every such offer as a partenariat."""
    return item.kind is Kind.PARTENARIAT


def what_to_do(employer: Item) -> str:
    """The step a counsellor proposes for this employer (the CLI's que_faire, the panel's
    line under the pairs)."""
    if employer.kind is Kind.ENTREPRISE:
        return "Candidature spontanée auprès de l'entreprise"
    if is_delegated(employer) or (employer.details or {}).get("delegated"):
        return "Postuler à l'offre : le CFA gère le contrat et la formation"
    return "Postuler à l'offre"


def levels_match(training: Item, employer: Item) -> bool:
    """An offer for a BTS is not a CAP apprentice's; a level left open fits any training."""
    if employer.kind is Kind.ENTREPRISE:
        return True
    wanted, taught = employer.diploma_level, training.diploma_level
    return wanted is None or taught is None or wanted == taught


class ParcoursService:
    """Pairs trainings and employers around a young person's home; stateless over a search."""

    def __init__(self, search: SearchService) -> None:
        self.search = search

    # -- from a profile

    def for_profile(
        self,
        *,
        domicile: str | Place | None,
        metier: str = "",
        romes: Iterable[str] = (),
        mobilite: int | None = None,
        niveau: int | None = None,
        limit: int = DEFAULT_PAIR_LIMIT,
    ) -> ParcoursResult:
        """The pairs where the training and the employer are both within `mobilite` km of home
        and share a métier (and a level, when the offer names one)."""
        started = time.perf_counter()
        home = self._home(domicile, required=True)
        assert home is not None
        radius = check_mobility(mobilite)
        _check_limit(limit)
        criteria = self.search.build_criteria(
            lieu=home, metier=metier, romes=romes, rayon=radius, niveau=niveau
        )
        found, capped = self._around(criteria)
        trainings = _within(found.get(Kind.FORMATION, ()), home, radius)
        employers = [
            e for kind in EMPLOYER_KINDS for e in _within(found.get(kind, ()), home, radius)
        ]
        pairs, total, counts = _pair(trainings, employers, limit=limit)
        return ParcoursResult(
            home=home,
            radius_km=radius,
            romes=criteria.romes,
            diploma_level=criteria.diploma_level,
            pairs=pairs,
            total_pairs=total,
            trainings=tuple(
                ReachableTraining(item, _round(d), counts[i])
                for i, (item, d) in enumerate(trainings)
            ),
            chosen_training=None,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            capped=capped,
        )

    # -- from one training

    def from_training(
        self,
        training_id: str,
        *,
        domicile: str | Place | None = None,
        mobilite: int | None = None,
        limit: int = DEFAULT_PAIR_LIMIT,
    ) -> ParcoursResult:
        """« J'ai une place en CFA, pas d'employeur »: the employers of the training's métiers
        within `mobilite` km of the CFA and of home (when home is known), least travel first.
        The training itself may be beyond the radius: the young person already has the place."""
        started = time.perf_counter()
        training = self.search.store.get(Kind.FORMATION, training_id.strip())
        if training is None:
            raise InvalidInput(
                f"Formation introuvable : « {training_id.strip()} ».",
                hint="Donnez l'identifiant affiché dans le détail de la formation "
                "(clé ministère éducatif).",
            )
        if not training.has_position or not training.romes:
            raise InvalidInput(
                "Cette formation n'a pas d'adresse localisée ou de métier : impossible de "
                "chercher des employeurs autour.",
            )
        home = self._home(domicile, required=False)
        radius = check_mobility(mobilite)
        _check_limit(limit)
        assert training.lat is not None and training.lon is not None
        cfa = Place(
            kind=PlaceKind.COMMUNE,
            code=training.insee,
            label=training.commune or training.organisation,
            lat=training.lat,
            lon=training.lon,
            departement=training.departement,
        )
        criteria = self.search.build_criteria(
            lieu=cfa, romes=training.romes[:MAX_ROMES], rayon=radius
        )
        found, capped = self._around(criteria)
        candidates = [
            item
            for kind in EMPLOYER_KINDS
            for item, _d in _within(found.get(kind, ()), cfa, radius)
            if levels_match(training, item) and _delegated_to(item, training)
        ]
        from_home = None if home is None else _distance(home, training)
        if home is not None:
            candidates = [e for e in candidates if _distance(home, e) <= radius]
        pairs = []
        for employer in candidates:
            to_cfa = _distance(cfa, employer)
            e_home = None if home is None else _distance(home, employer)
            travel = to_cfa if e_home is None or from_home is None else from_home + e_home
            pairs.append(
                Pair(
                    training=training,
                    training_from_home_km=_round(from_home),
                    employer=employer,
                    employer_from_home_km=_round(e_home),
                    employer_to_training_km=_round(to_cfa),
                    travel_km=travel,
                    included=is_delegated(employer),
                )
            )
        pairs.sort(key=_pair_order)
        return ParcoursResult(
            home=home,
            radius_km=radius,
            romes=criteria.romes,
            diploma_level=training.diploma_level,
            pairs=tuple(pairs[:limit]),
            total_pairs=len(pairs),
            trainings=(ReachableTraining(training, _round(from_home), len(pairs)),),
            chosen_training=training,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            capped=capped,
        )

    # -- shared steps

    def _home(self, domicile: str | Place | None, *, required: bool) -> Place | None:
        if isinstance(domicile, Place):
            place = domicile
        elif domicile is None or not domicile.strip():
            if not required:
                return None
            raise InvalidInput(
                "Pas de commune de domicile : impossible de savoir ce qui est à portée.",
                hint="Indiquez la commune où habite le jeune (sa fiche, ou --domicile).",
            )
        else:
            place = self.search.geocoder.resolve(domicile)
        if place.kind is not PlaceKind.COMMUNE:
            raise InvalidInput(
                f"Le domicile doit être une commune, pas « {place.label} ».",
                hint="Tapez le nom de la commune ou son code postal.",
            )
        return place

    def _around(self, criteria: SearchCriteria) -> tuple[dict[Kind, list[Item]], frozenset[Kind]]:
        """The search's own results around the centre, grouped by kind, and the kinds where
        it reached its cap. The caps are the search's (the upstream's): measured at france
        scale, reading 1,000 companies instead of 150 doubles the p95 of a pairing."""
        result = self.search.search(criteria)
        grouped: dict[Kind, list[Item]] = {}
        for hit in result.hits:
            if hit.item.has_position:
                grouped.setdefault(hit.item.kind, []).append(hit.item)
        capped = frozenset(
            kind for kind, n in result.counts.items() if n >= criteria.limits.get(kind.value, n + 1)
        )
        return grouped, capped


def check_mobility(mobilite: int | None) -> int:
    """The mobility radius in km (30 when not given), or `InvalidInput` in French."""
    radius = DEFAULT_RADIUS_KM if mobilite is None else mobilite
    if not 1 <= radius <= MAX_RADIUS_KM:
        raise InvalidInput(
            f"Rayon de mobilité invalide : {radius} km.",
            hint=f"Choisissez entre 1 et {MAX_RADIUS_KM} km.",
        )
    return radius


def _check_limit(limit: int) -> None:
    if limit < 0:
        raise InvalidInput("Le nombre de parcours affichés doit être positif.")


def _distance(place: Place, item: Item) -> float:
    return distance_km(place.lat, place.lon, item.lat, item.lon)  # type: ignore[arg-type]


def _round(km: float | None) -> float | None:
    return None if km is None else round(km, 1)


def _within(items: Iterable[Item], centre: Place, radius: float) -> list[tuple[Item, float]]:
    """The items within `radius` km of `centre` by exact great-circle distance, nearest first
    (the search's own figure is rounded to 100 m: a pair must not be decided on that)."""
    kept = []
    for item in items:
        d = distance_km(centre.lat, centre.lon, item.lat, item.lon)  # type: ignore[arg-type]
        if d <= radius:
            kept.append((item, d))
    kept.sort(key=lambda pair: (pair[1], pair[0].id))
    return kept


def _delegated_to(employer: Item, training: Item) -> bool:
    """From one training, a delegated offer counts only if that training's CFA manages it: an
    offer another CFA manages comes with that other CFA's training."""
    if not is_delegated(employer):
        return True
    return _same_cfa(employer, training)


def _same_cfa(employer: Item, training: Item) -> bool:
    cfa = fold(str((employer.details or {}).get("cfa") or ""))
    return bool(cfa) and cfa == fold(training.organisation)


def _pair_order(pair: Pair) -> tuple[bool, float, str, str, str]:
    return (
        not pair.included,
        round(pair.travel_km, 6),
        pair.training.id if pair.training else "",
        pair.employer.kind.value,
        pair.employer.id,
    )


def _pair(
    trainings: list[tuple[Item, float]], employers: list[tuple[Item, float]], *, limit: int
) -> tuple[tuple[Pair, ...], int, list[int]]:
    """The `limit` best pairs, how many pairs there are, and each training's employer count.

    Travel is home→CFA + home→employer, a sum of two independent terms: for each training the
    matching employers are already in travel order, so the best pairs come out of a heap over
    the trainings without building the (up to 500 × 2,500) pairs at all.
    """
    delegated = [(e, d) for e, d in employers if is_delegated(e)]
    others = sorted(
        ((e, d) for e, d in employers if not is_delegated(e)),
        key=lambda pair: (pair[1], pair[0].kind.value, pair[0].id),
    )
    by_rome: dict[str, list[int]] = {}
    for position, (employer, _d) in enumerate(others):
        for rome in employer.romes:
            by_rome.setdefault(rome, []).append(position)
    # Trainings that teach the same métiers at the same level share one list of employers,
    # in travel order (positions in `others` are in distance order).
    # The level each employer asks for (None: any), as levels_match reads it.
    wanted = [None if e.kind is Kind.ENTREPRISE else e.diploma_level for e, _d in others]
    by_key: dict[tuple[frozenset[str], int | None], list[tuple[Item, float]]] = {}
    keys = []
    for training, _d in trainings:
        key = (frozenset(training.romes), training.diploma_level)
        keys.append(key)
        if key not in by_key:
            positions = set().union(*(by_rome.get(rome, ()) for rome in key[0]))
            level = key[1]
            if level is not None:
                positions = {i for i in positions if wanted[i] is None or wanted[i] == level}
            by_key[key] = [others[i] for i in sorted(positions)]
    counts = [len(by_key[key]) for key in keys]
    included = _included_pairs(trainings, delegated)
    total = sum(counts) + len(included)
    position = {id(training): i for i, (training, _d) in enumerate(trainings)}
    for pair in included:
        if pair.training is not None:
            counts[position[id(pair.training)]] += 1

    best: list[Pair] = sorted(included, key=_pair_order)[:limit]
    room = limit - len(best)
    heap = [
        (t_d + by_key[keys[i]][0][1], t_d, training.id, i, 0)
        for i, (training, t_d) in enumerate(trainings)
        if by_key[keys[i]]
    ]
    heapq.heapify(heap)
    ordinary: list[Pair] = []
    # Pop a few beyond the room so that ties at the cut are broken by _pair_order, not by
    # the heap's arrival order.
    while heap and (len(ordinary) < room or (ordinary and heap[0][0] <= ordinary[-1].travel_km)):
        _travel, t_d, _tid, i, j = heapq.heappop(heap)
        training = trainings[i][0]
        employer, e_d = by_key[keys[i]][j]
        ordinary.append(_pair_of(training, t_d, employer, e_d, included=False))
        if j + 1 < len(by_key[keys[i]]):
            heapq.heappush(heap, (t_d + by_key[keys[i]][j + 1][1], t_d, training.id, i, j + 1))
    ordinary.sort(key=_pair_order)
    return tuple(best + ordinary[: max(room, 0)]), total, counts


def _compatible(training: Item, employer: Item) -> bool:
    return bool(set(training.romes).intersection(employer.romes)) and levels_match(
        training, employer
    )


def _between(a: Item, b: Item) -> float:
    return distance_km(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]


def _pair_of(training: Item, t_d: float, employer: Item, e_d: float, *, included: bool) -> Pair:
    """A pair scored from home: travel is home→CFA + home→employer."""
    return Pair(
        training=training,
        training_from_home_km=_round(t_d),
        employer=employer,
        employer_from_home_km=_round(e_d),
        employer_to_training_km=_round(_between(training, employer)),
        travel_km=t_d + e_d,
        included=included,
    )


def _included_pairs(
    trainings: list[tuple[Item, float]], delegated: list[tuple[Item, float]]
) -> list[Pair]:
    """Each delegated offer with the training it comes with: one of its CFA's trainings within
    reach for its métier, the nearest to the offer; when its CFA has none in the catalogue the
    offer still stands alone, travel being home→employer."""
    by_cfa: dict[str, list[tuple[Item, float]]] = {}
    for training, t_d in trainings:
        by_cfa.setdefault(fold(training.organisation), []).append((training, t_d))
    pairs = []
    for employer, e_d in delegated:
        cfa = fold(str((employer.details or {}).get("cfa") or ""))
        own = [(t, t_d) for t, t_d in by_cfa.get(cfa, ()) if cfa and _compatible(t, employer)]
        if own:
            training, t_d = min(own, key=lambda p: (_between(p[0], employer), p[0].id))
            pairs.append(_pair_of(training, t_d, employer, e_d, included=True))
        else:
            pairs.append(
                Pair(
                    training=None,
                    training_from_home_km=None,
                    employer=employer,
                    employer_from_home_km=_round(e_d),
                    employer_to_training_km=None,
                    travel_km=e_d,
                    included=True,
                )
            )
    return pairs

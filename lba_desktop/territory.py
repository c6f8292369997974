"""The territory service: a département, a région or France, per métier and per ROME
professional domain, from the aggregates the catalogue computed once (never a recount)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lba_desktop.data import territory as agg
from lba_desktop.data.catalogue import CatalogueStore
from lba_desktop.data.referentials import load_departements, load_grands_domaines, load_regions
from lba_desktop.data.storage import translated
from lba_desktop.errors import CatalogueError, InvalidInput
from lba_desktop.geocoding import Geocoder, default_geocoder
from lba_desktop.metiers import MetierIndex, default_metier_index
from lba_desktop.models import MAX_ROMES, Place, PlaceKind
from lba_desktop.text import fold

_PLACE_KINDS = {
    agg.SCOPE_DEPARTEMENT: PlaceKind.DEPARTEMENT,
    agg.SCOPE_REGION: PlaceKind.REGION,
    agg.SCOPE_FRANCE: PlaceKind.FRANCE,
}
_DOMAIN = re.compile(r"^[A-N]\d\d$")
# Action lists longer than this are cut (the total is still given).
GAP_LIST_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Territory:
    """Where a view looks: `scope` is "departement", "region" or "france"."""

    scope: str
    code: str
    label: str
    departements: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MetierRow:
    """One métier of a territory, with its label and the ratios a counsellor reads."""

    counts: agg.MetierCounts
    label: str

    @property
    def rome(self) -> str:
        return self.counts.rome

    @property
    def domain(self) -> str:
        return self.counts.rome[:3]

    @property
    def employers_per_training(self) -> float | None:
        return _per(self.counts.employeurs, self.counts.formations)

    @property
    def employers_per_place(self) -> float | None:
        return _per(self.counts.employeurs, self.counts.places)


def _per(employers: int, of: int | None) -> float | None:
    """Employers per training (or per place), to two decimals; None when there is none."""
    return round(employers / of, 2) if of else None


@dataclass(frozen=True, slots=True)
class DomainRow:
    """One ROME professional domain (« D11 ») of a territory: its grand domaine, the métiers
    of the referential it holds (it is named by them: the app ships no domain labels), and
    the ROME codes found here, those a search of the whole domain asks for."""

    counts: agg.DomainCounts
    label: str
    grand_domaine: str
    grand_domaine_label: str
    romes: tuple[str, ...]

    @property
    def code(self) -> str:
        return self.counts.domaine

    @property
    def searchable(self) -> bool:
        """One search can ask for all its métiers here (a search takes 20 ROME codes)."""
        return 0 < len(self.romes) <= MAX_ROMES

    @property
    def employers_per_training(self) -> float | None:
        return _per(self.counts.employeurs, self.counts.formations)

    @property
    def employers_per_place(self) -> float | None:
        return _per(self.counts.employeurs, self.counts.places)


@dataclass(frozen=True, slots=True)
class TerritoryView:
    territory: Territory
    romes: tuple[str, ...]  # the métiers asked for; () for all
    metiers: tuple[MetierRow, ...]
    domains: tuple[DomainRow, ...]  # those of the métiers shown, each whole
    trainings_alone: tuple[agg.GapItem, ...]
    offers_alone: tuple[agg.GapItem, ...]

    @property
    def metiers_without_training(self) -> tuple[MetierRow, ...]:
        """Métiers with offers here of which some have no training of theirs within 60 km,
        the most such offers first."""
        rows = [m for m in self.metiers if m.counts.offres_sans_formation]
        return tuple(sorted(rows, key=lambda m: (-m.counts.offres_sans_formation, m.rome)))


class TerritoryService:
    """Reads the catalogue's territory aggregates; holds no state beyond its referentials."""

    def __init__(
        self,
        store: CatalogueStore,
        *,
        metiers: MetierIndex | None = None,
        geocoder: Geocoder | None = None,
    ) -> None:
        self.store = store
        self.geocoder = geocoder or default_geocoder()
        self.path = store.path  # for `translated`: a failed read names this catalogue
        self.metiers = metiers or default_metier_index()
        self.departements = load_departements()
        self.regions = load_regions()
        self.grands_domaines = load_grands_domaines()
        self._domain_names: dict[str, list[str]] | None = None

    # -- territories

    def territory(self, *, departement: str = "", region: str = "") -> Territory:
        """The territory a person named (code or name); France when neither is given."""
        departement, region = departement.strip(), region.strip()
        if departement and region:
            raise InvalidInput(
                "Choisissez un département ou une région, pas les deux.",
                hint="Par exemple --departement 15, ou --region 84.",
            )
        if departement:
            code = self._departement_code(departement)
            d = self.departements[code]
            return Territory(agg.SCOPE_DEPARTEMENT, code, f"{d.name} ({code})", (code,))
        if region:
            code = self._region_code(region)
            deps = tuple(c for c, d in self.departements.items() if d.region == code)
            return Territory(agg.SCOPE_REGION, code, self.regions[code].name, deps)
        return Territory(
            agg.SCOPE_FRANCE, agg.FRANCE_CODE, "France entière", tuple(self.departements)
        )

    def _departement_code(self, text: str) -> str:
        code = text.upper()
        if code.isdigit() and len(code) == 1:
            code = "0" + code
        if code in self.departements:
            return code
        folded = fold(text)
        for c, d in self.departements.items():
            if fold(d.name) == folded:
                return c
        raise InvalidInput(
            f"Département inconnu : « {text} ».",
            hint="Donnez son numéro (15, 2A, 974) ou son nom (Cantal).",
        )

    def _region_code(self, text: str) -> str:
        if text in self.regions:
            return text
        folded = fold(text)
        for c, r in self.regions.items():
            if fold(r.name) == folded:
                return c
        raise InvalidInput(
            f"Région inconnue : « {text} ».",
            hint="Donnez son code INSEE (84) ou son nom (Auvergne-Rhône-Alpes).",
        )

    def place_of(self, territory: Territory) -> Place:
        """The place whose search covers exactly this territory (the search behind a figure)."""
        return self.geocoder.area_place(_PLACE_KINDS[territory.scope], territory.code)

    def romes_of(self, metier: str) -> tuple[str, ...]:
        """The métiers a view shows: those of `metier`, or every one of a professional domain
        (« D11 »: a view is not a search, it is not held to 20 codes)."""
        text = metier.strip().upper()
        if _DOMAIN.match(text):
            codes = tuple(m.code for m in self.metiers.all() if m.domain == text)
            if codes:
                return codes
        return self.metiers.romes_for(metier) if text else ()

    # -- views

    @translated
    def view(self, territory: Territory, romes: Sequence[str] = ()) -> TerritoryView:
        store = self.store
        with store.lock:
            self._check(store)
            conn = store.conn
            # Every métier of the territory: a domain's search asks for all those found here.
            counts = agg.metier_counts(conn, territory.scope, territory.code)
            wanted = set(romes)
            shown = [c for c in counts if c.rome in wanted] if romes else counts
            letters = sorted({c.rome[:3] for c in shown})
            domains = (
                agg.domain_counts(conn, territory.scope, territory.code, letters) if letters else []
            )
            alone = {
                kind: agg.gap_items(conn, kind, territory.departements, romes, limit=GAP_LIST_LIMIT)
                for kind in ("formation", "offre")
            }
        rows = tuple(MetierRow(c, self.label_of(c.rome)) for c in shown)
        here: dict[str, list[str]] = {}
        for c in counts:
            here.setdefault(c.rome[:3], []).append(c.rome)
        return TerritoryView(
            territory=territory,
            romes=tuple(romes),
            metiers=rows,
            domains=tuple(self._domain_row(d, tuple(here.get(d.domaine, ()))) for d in domains),
            trainings_alone=tuple(alone["formation"]),
            offers_alone=tuple(alone["offre"]),
        )

    def _domain_row(self, counts: agg.DomainCounts, romes: tuple[str, ...]) -> DomainRow:
        letter = counts.domaine[:1]
        return DomainRow(
            counts=counts,
            label=self.domain_label(counts.domaine),
            grand_domaine=letter,
            grand_domaine_label=self.grands_domaines.get(letter, letter),
            romes=romes,
        )

    def domain_label(self, domain: str) -> str:
        """« Boucher, Boulanger et 16 autres métiers »: a domain named by its métiers."""
        names = self._domain_metiers().get(domain, [])
        if len(names) <= 3:
            return ", ".join(names) or domain
        rest = len(names) - 2
        return f"{names[0]}, {names[1]} et {rest} autres métiers"

    def _domain_metiers(self) -> dict[str, list[str]]:
        if self._domain_names is None:
            names: dict[str, list[str]] = {}
            for metier in self.metiers.all():
                names.setdefault(metier.domain, []).append(short_label(metier.label))
            self._domain_names = names
        return self._domain_names

    @translated
    def by_departement(self, rome: str) -> dict[str, agg.MetierCounts]:
        """One métier in every département (for the map)."""
        with self.store.lock:
            self._check(self.store)
            rows = agg.metier_by_territory(self.store.conn, agg.SCOPE_DEPARTEMENT, rome)
        return dict(rows)

    def label_of(self, rome: str) -> str:
        metier = self.metiers.get(rome)
        return metier.label if metier else rome

    @staticmethod
    def _check(store: CatalogueStore) -> None:
        if not (agg.has_territory(store.conn) and agg.has_domains(store.conn)):
            raise CatalogueError(
                "Ce catalogue n'a pas encore les chiffres par territoire.",
                hint="Relancez une synchronisation ou « lba-desktop demo » pour les calculer.",
            )


def short_label(label: str) -> str:
    """A ROME label in its masculine form: « Vendeur / Vendeuse en épicerie » → « Vendeur en
    épicerie » (the words after the feminine ones are shared), « Chef boulanger / Cheffe
    boulangère » → « Chef boulanger »."""
    if " / " not in label:
        return label
    masculine, _, feminine = label.partition(" / ")
    tail = feminine.split()[len(masculine.split()) :]
    return " ".join([masculine, *tail])


def view_to_json(view: TerritoryView) -> dict[str, Any]:
    """The `territoire --json` document."""
    t = view.territory
    return {
        "territoire": {
            "type": t.scope,
            "code": t.code,
            "libelle": t.label,
            "departements": list(t.departements),
            "romes": list(view.romes),
        },
        "metiers": [_metier_json(m) for m in view.metiers],
        "domaines": [_domain_json(d) for d in view.domains],
        "formations_sans_employeur_30km": [_gap_json(g) for g in view.trainings_alone],
        "metiers_sans_formation_60km": [
            {
                "rome": m.rome,
                "libelle": m.label,
                "offres": m.counts.offres,
                "offres_sans_formation": m.counts.offres_sans_formation,
            }
            for m in view.metiers_without_training
        ],
        "offres_sans_formation_60km": [_gap_json(g) for g in view.offers_alone],
    }


def _metier_json(m: MetierRow) -> dict[str, Any]:
    c = m.counts
    return {
        "rome": c.rome,
        "libelle": m.label,
        "domaine": c.rome[:3],
        "grand_domaine": c.rome[:1],
        "formations": c.formations,
        "sessions_12_mois": c.sessions_12_mois,
        "places": c.places,
        "offres": c.offres,
        "partenariats": c.partenariats,
        "entreprises": c.entreprises,
        "employeurs": c.employeurs,
        "employeurs_par_formation": m.employers_per_training,
        "employeurs_par_place": m.employers_per_place,
        "formations_sans_employeur_30km": c.formations_sans_employeur,
        "offres_sans_formation_60km": c.offres_sans_formation,
    }


def _domain_json(d: DomainRow) -> dict[str, Any]:
    c = d.counts
    return {
        "domaine": d.code,
        "libelle": d.label,
        "grand_domaine": d.grand_domaine,
        "grand_domaine_libelle": d.grand_domaine_label,
        "metiers": c.metiers,
        "romes": list(d.romes),
        "formations": c.formations,
        "sessions_12_mois": c.sessions_12_mois,
        "places": c.places,
        "offres": c.offres,
        "partenariats": c.partenariats,
        "entreprises": c.entreprises,
        "employeurs": c.employeurs,
        "employeurs_par_formation": d.employers_per_training,
        "employeurs_par_place": d.employers_per_place,
        "formations_sans_employeur_30km": c.formations_sans_employeur,
        "offres_sans_formation_60km": c.offres_sans_formation,
    }


def _gap_json(g: agg.GapItem) -> dict[str, Any]:
    return {
        "type": g.kind,
        "id": g.item_id,
        "rome": g.rome,
        "departement": g.departement,
        "intitule": g.title,
        "organisme": g.organisation,
        "commune": g.commune,
        "latitude": g.lat,
        "longitude": g.lon,
        "plus_proche_km": g.nearest_km,
    }

"""The demo generator's shared ground: the referentials turned into weighted places and
métiers, the fictitious contact ranges, the records of CFAs and companies, and the French
text helpers (« à Aurillac », « du Mans », inclusive job titles, valid SIRET numbers)."""

from __future__ import annotations

import bisect
import itertools
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lba_desktop.data import demo_vocabulary as voc
from lba_desktop.data.demo_hubs import (
    OFFERS_PER_HUB,
    OFFERS_PER_LARGE_CITY,
    common_romes,
    find_hubs,
)
from lba_desktop.data.demo_titles import TRAINING_TITLES
from lba_desktop.data.referentials import (
    load_communes,
    load_departements,
    load_metiers,
    load_regions,
)
from lba_desktop.models import Commune, Metier

SOURCE_FORMATIONS = "catalogue"
SOURCE_ENTREPRISES = "lba"
SOURCE_FRANCE_TRAVAIL = "france-travail"
SOURCE_PARTENAIRES = "partenaires"
SOURCE_PARTENARIATS = "recruteurs-lba"

# Number ranges set aside for fiction (films, books…) in the national numbering plan, one per
# leading digit, picked by the regions that digit serves: no real subscriber gets called.
_FICTION_PHONE = {"1": "01 99 00", "2": "02 61 91", "3": "03 53 01", "4": "04 65 71",
                  "5": "05 36 49"}  # fmt: skip
_REGION_PHONE_DIGIT = {"11": "1", "24": "2", "28": "2", "52": "2", "53": "2", "27": "3",
                       "32": "3", "44": "3", "84": "4", "93": "4", "94": "4", "75": "5",
                       "76": "5"}  # fmt: skip
JITTER_DEG = 0.012  # ± 0.012° of latitude ≈ ± 1.3 km; the longitude step is scaled by cos(lat)
CFA_FAMILY_WEIGHTS = {"tertiaire": 30, "btp": 12, "cma": 12, "agri": 10, "industrie": 10,
                       "sante": 8, "sup": 18}  # fmt: skip
# Hiring potential 1–5: most listed companies are average prospects, few are sure bets.
POTENTIAL_CUM = list(itertools.accumulate((8, 20, 32, 26, 14)))
LEVEL_WEIGHTS = {3: 3.0, 4: 2.6, 5: 2.6, 6: 1.5, 7: 1.0}
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ASCII = str.maketrans(
    dict(zip("àâäçéèêëîïôöùûüÿÀÂÇÉÈÊÎÔÙÛ", "aaaceeeeiioouuuyAACEEEIOUU", strict=True))
    | {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"}
)


# --- Small helpers -----------------------------------------------------------------------


def slug(text: str) -> str:
    slug = _NON_ALNUM.sub("-", text.translate(_ASCII).lower()).strip("-")
    return slug if len(slug) <= 40 else slug[:41].rsplit("-", 1)[0]


def with_a(name: str) -> str:
    """French "in" before a town name: "au Havre", "aux Sables-d'Olonne", "à Aurillac"."""
    if name.startswith("Le "):
        return "au " + name[3:]
    if name.startswith("Les "):
        return "aux " + name[4:]
    return "à " + name


def with_de(name: str) -> str:
    """French "of" before a place name: "du Havre", "des Sables-d'Olonne", "d'Aurillac"."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1] in "AEIOUYÉÈÊÎÔÂ":
        return "d'" + name
    return "de " + name


def masculine(label: str) -> str:
    """Masculine form of a ROME label: "Chef / Cheffe de cuisine" → "Chef de cuisine"."""
    if " / " not in label:
        return label
    left, right = label.split(" / ", 1)
    rest = right.split()[len(left.split()) :]
    return " ".join([left, *rest])


def _inclusive_word(masc: str, fem: str) -> str | None:
    if masc == fem:
        return masc
    common = 0
    for a, b in zip(masc, fem, strict=False):
        if a != b:
            break
        common += 1
    tail = fem[common:]
    if common < 3 or not tail.endswith("e") or len(masc) - common > 3:
        return None
    return f"{masc}({tail})"


def inclusive(label: str) -> str:
    """Inclusive job name: "Boulanger / Boulangère" → "Boulanger(ère)"; when the two forms
    do not share a stem ("Barman / Barmaid") the label is kept as is."""
    if " / " not in label:
        return label
    left, right = label.split(" / ", 1)
    masc_words = left.split()
    fem_words = right.split()
    rest = fem_words[len(masc_words) :]
    parts = []
    for masc, fem in zip(masc_words, fem_words, strict=False):
        m_parts, f_parts = masc.split("-"), fem.split("-")
        if len(m_parts) != len(f_parts):
            return label
        merged = [_inclusive_word(m, f) for m, f in zip(m_parts, f_parts, strict=True)]
        if any(w is None for w in merged):
            return label
        parts.append("-".join(w for w in merged if w))
    return " ".join(parts + rest)


def lower_first(text: str) -> str:
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # Luhn: a doubled digit, its own digits summed


def _block_sums(last_doubled: bool) -> list[int]:
    """Luhn contribution of every 4-digit block, its last digit doubled or not."""
    sums = []
    for n in range(10_000):
        digits = (n // 1000, n // 100 % 10, n // 10 % 10, n % 10)
        if last_doubled:
            sums.append(digits[0] + _DOUBLED[digits[1]] + digits[2] + _DOUBLED[digits[3]])
        else:
            sums.append(_DOUBLED[digits[0]] + digits[1] + _DOUBLED[digits[2]] + digits[3])
    return sums


_BLOCK_DOUBLED = _block_sums(True)
_BLOCK_PLAIN = _block_sums(False)


def make_siret(siren_body: int, nic: int) -> str:
    """A 14-digit SIRET passing both Luhn checks (SIREN and SIRET) from 8 + 4 free digits.

    Table lookups instead of a loop over digits: 350,000 companies made the loop a visible
    share of a "france" build.
    """
    high, low = divmod(siren_body, 10_000)
    siren_check = -(_BLOCK_DOUBLED[high] + _BLOCK_DOUBLED[low]) % 10
    total = _BLOCK_PLAIN[high] + _BLOCK_PLAIN[low] + _DOUBLED[siren_check] + _BLOCK_DOUBLED[nic]
    return f"{siren_body:08d}{siren_check}{nic:04d}{-total % 10}"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, 28))


def cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


# --- Prepared referentials ---------------------------------------------------------------


@dataclass(slots=True)
class DemoPlace:
    """A commune ready for drawing: everything an item copies from it."""

    insee: str
    name: str
    postcodes: tuple[str, ...]
    departement: str
    region: str
    lat: float
    lon: float
    lon_scale: float
    phone: str


@dataclass(slots=True)
class DemoCfa:
    name: str
    family: str
    place: DemoPlace
    address: str
    postcode: str
    lat: float
    lon: float
    phone: str
    uai: str


@dataclass(slots=True)
class DemoCompany:
    """What an offer or a partenariat borrows from the company it is posted for."""

    name: str
    siret: str
    place: DemoPlace
    address: str
    postcode: str
    lat: float
    lon: float
    romes: tuple[str, ...]
    size: str
    opco: str
    naf: tuple[str, str]


def _fill_missing_postcodes(communes: Sequence[Commune]) -> dict[str, tuple[str, ...]]:
    """Postcodes per commune; a commune without one (a recent merger) borrows its nearest
    neighbour's in the same département, so that every address has a postcode."""
    found = {c.insee: tuple(c.postcodes) for c in communes}
    for commune in communes:
        if found[commune.insee]:
            continue
        neighbours = [
            c
            for c in communes
            if c.postcodes and c.departement == commune.departement and c.insee != commune.insee
        ]
        if neighbours:
            nearest = min(
                neighbours, key=lambda c: (c.lat - commune.lat) ** 2 + (c.lon - commune.lon) ** 2
            )
            found[commune.insee] = tuple(nearest.postcodes[:1])
        else:
            found[commune.insee] = (commune.insee,)
    return found


class DemoWorld:
    """Referentials turned into lists and cumulative weights, shared by every kind."""

    def __init__(self) -> None:
        departements = load_departements()
        regions = load_regions()
        communes: list[Commune] = sorted(load_communes(), key=lambda c: c.insee)
        postcodes = _fill_missing_postcodes(communes)
        self.places = [
            DemoPlace(
                c.insee,
                c.name,
                postcodes[c.insee],
                c.departement,
                c.region,
                c.lat,
                c.lon,
                1.0 / max(math.cos(math.radians(c.lat)), 0.2),
                _FICTION_PHONE[_REGION_PHONE_DIGIT.get(c.region, "1")],
            )
            for c in communes
            if c.lat is not None and c.lon is not None
        ]
        pops = [max(c.population, 0) for c in communes if c.lat is not None and c.lon is not None]
        # Companies follow population, with a floor so that villages get a few.
        self.company_cum = cumulative([p + 30 for p in pops])
        # CFAs cluster in towns more than people do.
        self.cfa_cum = cumulative([p**0.9 for p in pops])
        self.rural_cum = cumulative([p**0.5 if 300 <= p <= 15_000 else 0.0 for p in pops])
        self.big_city_cum = cumulative([p**1.2 if p >= 20_000 else 0.0 for p in pops])
        self.dept_names = {code: d.name for code, d in departements.items()}
        self.region_names = {code: r.name for code, r in regions.items()}
        # The most populated commune of each département stands for its main town.
        main: dict[str, tuple[int, int]] = {}
        for i, p in enumerate(pops):
            dept = self.places[i].departement
            if dept not in main or p > main[dept][0]:
                main[dept] = (p, i)
        self.main_towns = sorted((dept, i) for dept, (_, i) in main.items())

        metiers: list[Metier] = sorted(load_metiers(), key=lambda m: m.code)
        self.metiers = {m.code: m for m in metiers}
        self.rome_codes = [m.code for m in metiers]
        self.rome_cum = cumulative(
            [voc.ROME_POPULARITY.get(code, voc.TAIL_POPULARITY) for code in self.rome_codes]
        )
        self.masculine = {m.code: masculine(m.label) for m in metiers}
        self.inclusive = {m.code: inclusive(m.label) for m in metiers}
        self.titles = {code: self._titles_for(code) for code in self.rome_codes}
        # Fictitious RNCP codes, one per diploma title, numbered beyond the real ones so far.
        distinct = sorted({title for titles in self.titles.values() for _, title in titles})
        self.rncp_codes = {title: f"RNCP{90000 + i}" for i, title in enumerate(distinct)}
        # Métiers an employer also hires for: the common ones of its ROME domain (else a few).
        by_domain: dict[str, list[str]] = {}
        for code in self.rome_codes:
            by_domain.setdefault(code[:3], []).append(code)
        self.cfas: dict[str, list[DemoCfa]] = {}  # filled by the trainings, used by partenariats
        self.kept_companies: list[DemoCompany] = []  # the companies offers are posted for
        self.cfa_by_rome: dict[tuple[str, str], list[DemoCfa]] = {}  # (ROME, département) → CFAs
        # Where counsellors search first: the dense network of trainings and offers.
        self.hubs = find_hubs(
            [p.insee for p in self.places],
            [p.name for p in self.places],
            [p.departement for p in self.places],
            pops,
        )
        self.common_romes = tuple(code for code in common_romes() if code in self.metiers)
        self.related = {
            code: tuple(c for c in by_domain[code[:3]] if c != code and c in voc.ROME_POPULARITY)
            or tuple(c for c in by_domain[code[:3]] if c != code)[:4]
            for code in self.rome_codes
        }

    def _titles_for(self, code: str) -> tuple[tuple[int, str], ...]:
        known = TRAINING_TITLES.get(code)
        if known:
            return known
        short = self.masculine[code]
        if len(short) > 60:
            short = short[:60].rsplit(" ", 1)[0]
        if short.startswith(voc.HIGH_LEVEL_WORDS):
            if short.startswith("Ingénieur"):
                return ((7, f"Titre d'ingénieur – {short}"), (7, f"Master {short}"))
            return ((6, f"Licence professionnelle {short}"), (7, f"Master {short}"))
        if short.startswith(voc.MID_LEVEL_WORDS):
            return (
                (4, f"Titre professionnel {short}"),
                (5, f"BTS {short}"),
                (6, f"Licence professionnelle {short}"),
            )
        return (
            (3, f"CAP {short}"),
            (3, f"Titre professionnel {short}"),
            (4, f"Bac pro {short}"),
            (5, f"BTS {short}"),
        )

    def hub_company_slots(self) -> list[tuple[int, str]]:
        """(place index, ROME code) of the companies that post the hubs' offers, one slot
        per offer: every common métier has offers where counsellors search first."""
        slots = []
        for hub in self.hubs:
            count = OFFERS_PER_LARGE_CITY if hub.large else OFFERS_PER_HUB
            slots += [(hub.place, code) for code in self.common_romes for _ in range(count)]
        return slots

    def pick_place(self, rng: random.Random, cum: list[float]) -> DemoPlace:
        return self.places[bisect.bisect_right(cum, rng.random() * cum[-1])]

    def pick_rome(self, rng: random.Random) -> str:
        cum = self.rome_cum
        return self.rome_codes[bisect.bisect_right(cum, rng.random() * cum[-1])]


def pick(rng: random.Random, seq: Sequence[Any]) -> Any:
    # random.choice() goes through _randbelow; one float is several times cheaper.
    return seq[int(rng.random() * len(seq))]


def randint(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def jittered(rng: random.Random, place: DemoPlace) -> tuple[float, float]:
    lat = place.lat + (rng.random() - 0.5) * 2 * JITTER_DEG
    lon = place.lon + (rng.random() - 0.5) * 2 * JITTER_DEG * place.lon_scale
    return round(lat, 6), round(lon, 6)


def street_address(rng: random.Random, *, business_park: bool = False) -> str:
    if business_park:
        return f"{1 + int(rng.random() * 40)} {pick(rng, voc.BUSINESS_PARKS)}"
    return f"{1 + int(rng.random() * 120)} {pick(rng, voc.STREETS)}"


def fake_phone(rng: random.Random, place: DemoPlace) -> str:
    n = int(rng.random() * 10_000)
    return f"{place.phone} {n // 100:02d} {n % 100:02d}"


def opco_of(code: str) -> str:
    return (
        voc.OPCO_EXCEPTIONS.get(code)
        or voc.OPCO_EXCEPTIONS.get(code[:3])
        or voc.DOMAIN_OPCO.get(code[0], "OPCO EP")
    )


# --- Trainings ---------------------------------------------------------------------------

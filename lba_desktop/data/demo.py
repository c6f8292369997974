"""The deterministic, fictitious demo catalogue: trainings, companies, offers and partenariats."""

from __future__ import annotations

import bisect
import itertools
import math
import os
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from lba_desktop.data import demo_vocabulary as voc
from lba_desktop.data.catalogue import CatalogueWriter
from lba_desktop.data.referentials import (
    load_communes,
    load_departements,
    load_metiers,
    load_regions,
)
from lba_desktop.models import Commune, Item, Kind, Metier

GENERATOR_VERSION = "1"
DEFAULT_SEED = 20261123
LABEL_FR = "Données de démonstration (fictives)"
CHUNK = 20_000

# Item counts per scale. "france" is the order of magnitude of the real service.
SCALES: dict[str, dict[Kind, int]] = {
    # Dense enough that a small town (Aurillac, 30 km) shows every kind for a common métier.
    "demo": {
        Kind.FORMATION: 8_000,
        Kind.ENTREPRISE: 50_000,
        Kind.OFFRE: 12_000,
        Kind.PARTENARIAT: 2_000,
    },
    "france": {
        Kind.FORMATION: 60_000,
        Kind.ENTREPRISE: 350_000,
        Kind.OFFRE: 80_000,
        Kind.PARTENARIAT: 10_000,
    },
}

SOURCE_FORMATIONS = "catalogue"
SOURCE_ENTREPRISES = "lba"
SOURCE_FRANCE_TRAVAIL = "france-travail"
SOURCE_PARTENAIRES = "partenaires"
SOURCE_PARTENARIATS = "recruteurs-lba"

Report = Callable[[int, int, str], None]

# Number ranges set aside for fiction (films, books…) in the national numbering plan, one per
# leading digit, picked by the regions that digit serves: no real subscriber gets called.
_FICTION_PHONE = {"1": "01 99 00", "2": "02 61 91", "3": "03 53 01", "4": "04 65 71",
                  "5": "05 36 49"}  # fmt: skip
_REGION_PHONE_DIGIT = {"11": "1", "24": "2", "28": "2", "52": "2", "53": "2", "27": "3",
                       "32": "3", "44": "3", "84": "4", "93": "4", "94": "4", "75": "5",
                       "76": "5"}  # fmt: skip
_JITTER_DEG = 0.012  # ± 0.012° of latitude ≈ ± 1.3 km; the longitude step is scaled by cos(lat)
_CFA_FAMILY_WEIGHTS = {"tertiaire": 30, "btp": 12, "cma": 12, "agri": 10, "industrie": 10,
                       "sante": 8, "sup": 18}  # fmt: skip
_CFA_MAIL = {"cma": "cma", "btp": "cfa-btp", "agri": "cfa-agricole", "sup": "alternance-sup",
             "industrie": "formation-industrie", "sante": "formation-sante",
             "tertiaire": "cfa"}  # fmt: skip
# Hiring potential 1–5: most listed companies are average prospects, few are sure bets.
_POTENTIAL_CUM = list(itertools.accumulate((8, 20, 32, 26, 14)))
_LEVEL_WEIGHTS = {3: 3.0, 4: 2.6, 5: 2.6, 6: 1.5, 7: 1.0}
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ASCII = str.maketrans(
    dict(zip("àâäçéèêëîïôöùûüÿÀÂÇÉÈÊÎÔÙÛ", "aaaceeeeiioouuuyAACEEEIOUU", strict=True))
    | {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"}
)


# --- Small helpers -----------------------------------------------------------------------


def _slug(text: str) -> str:
    slug = _NON_ALNUM.sub("-", text.translate(_ASCII).lower()).strip("-")
    return slug if len(slug) <= 40 else slug[:41].rsplit("-", 1)[0]


def _a(name: str) -> str:
    """French "in" before a town name: "au Havre", "aux Sables-d'Olonne", "à Aurillac"."""
    if name.startswith("Le "):
        return "au " + name[3:]
    if name.startswith("Les "):
        return "aux " + name[4:]
    return "à " + name


def _de(name: str) -> str:
    """French "of" before a place name: "du Havre", "des Sables-d'Olonne", "d'Aurillac"."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1] in "AEIOUYÉÈÊÎÔÂ":
        return "d'" + name
    return "de " + name


def _masculine(label: str) -> str:
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


def _inclusive(label: str) -> str:
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


def _lower_first(text: str) -> str:
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


def _siret(siren_body: int, nic: int) -> str:
    """A 14-digit SIRET passing both Luhn checks (SIREN and SIRET) from 8 + 4 free digits.

    Table lookups instead of a loop over digits: 350,000 companies made the loop a visible
    share of a "france" build.
    """
    high, low = divmod(siren_body, 10_000)
    siren_check = -(_BLOCK_DOUBLED[high] + _BLOCK_DOUBLED[low]) % 10
    total = _BLOCK_PLAIN[high] + _BLOCK_PLAIN[low] + _DOUBLED[siren_check] + _BLOCK_DOUBLED[nic]
    return f"{siren_body:08d}{siren_check}{nic:04d}{-total % 10}"


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, 28))


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


# --- Prepared referentials ---------------------------------------------------------------


@dataclass(slots=True)
class _Place:
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
class _Cfa:
    name: str
    family: str
    place: _Place
    address: str
    postcode: str
    lat: float
    lon: float
    phone: str
    email: str
    uai: str


@dataclass(slots=True)
class _Company:
    """What an offer or a partenariat borrows from the company it is posted for."""

    name: str
    siret: str
    place: _Place
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


class _World:
    """Referentials turned into lists and cumulative weights, shared by every kind."""

    def __init__(self) -> None:
        departements = load_departements()
        regions = load_regions()
        communes: list[Commune] = sorted(load_communes(), key=lambda c: c.insee)
        postcodes = _fill_missing_postcodes(communes)
        self.places = [
            _Place(
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
        self.company_cum = _cumulative([p + 30 for p in pops])
        # CFAs cluster in towns more than people do.
        self.cfa_cum = _cumulative([p**0.9 for p in pops])
        self.rural_cum = _cumulative([p**0.5 if 300 <= p <= 15_000 else 0.0 for p in pops])
        self.big_city_cum = _cumulative([p**1.2 if p >= 20_000 else 0.0 for p in pops])
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
        self.rome_cum = _cumulative(
            [voc.ROME_POPULARITY.get(code, voc.TAIL_POPULARITY) for code in self.rome_codes]
        )
        self.masculine = {m.code: _masculine(m.label) for m in metiers}
        self.inclusive = {m.code: _inclusive(m.label) for m in metiers}
        self.titles = {code: self._titles_for(code) for code in self.rome_codes}
        # Métiers an employer also hires for: the common ones of its ROME domain (else a few).
        by_domain: dict[str, list[str]] = {}
        for code in self.rome_codes:
            by_domain.setdefault(code[:3], []).append(code)
        self.cfas: dict[str, list[_Cfa]] = {}  # filled by the trainings, used by partenariats
        self.kept_companies: list[_Company] = []  # the companies offers are posted for
        self.cfa_by_rome: dict[tuple[str, str], list[_Cfa]] = {}  # (ROME, département) → CFAs
        self.related = {
            code: tuple(c for c in by_domain[code[:3]] if c != code and c in voc.ROME_POPULARITY)
            or tuple(c for c in by_domain[code[:3]] if c != code)[:4]
            for code in self.rome_codes
        }

    def _titles_for(self, code: str) -> tuple[tuple[int, str], ...]:
        known = voc.TRAINING_TITLES.get(code)
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

    def pick_place(self, rng: random.Random, cum: list[float]) -> _Place:
        return self.places[bisect.bisect_right(cum, rng.random() * cum[-1])]

    def pick_rome(self, rng: random.Random) -> str:
        cum = self.rome_cum
        return self.rome_codes[bisect.bisect_right(cum, rng.random() * cum[-1])]


def _pick(rng: random.Random, seq: Sequence[Any]) -> Any:
    # random.choice() goes through _randbelow; one float is several times cheaper.
    return seq[int(rng.random() * len(seq))]


def _randint(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _jitter(rng: random.Random, place: _Place) -> tuple[float, float]:
    lat = place.lat + (rng.random() - 0.5) * 2 * _JITTER_DEG
    lon = place.lon + (rng.random() - 0.5) * 2 * _JITTER_DEG * place.lon_scale
    return round(lat, 6), round(lon, 6)


def _address(rng: random.Random, *, business_park: bool = False) -> str:
    if business_park:
        return f"{1 + int(rng.random() * 40)} {_pick(rng, voc.BUSINESS_PARKS)}"
    return f"{1 + int(rng.random() * 120)} {_pick(rng, voc.STREETS)}"


def _phone(rng: random.Random, place: _Place) -> str:
    n = int(rng.random() * 10_000)
    return f"{place.phone} {n // 100:02d} {n % 100:02d}"


def _opco(code: str) -> str:
    return (
        voc.OPCO_EXCEPTIONS.get(code)
        or voc.OPCO_EXCEPTIONS.get(code[:3])
        or voc.DOMAIN_OPCO.get(code[0], "OPCO EP")
    )


# --- Trainings ---------------------------------------------------------------------------


def _family(code: str, level: int, rng: random.Random) -> str:
    if level >= 6:
        return "sante" if code[0] == "J" or code[:2] == "K1" else "sup"
    letter, domain = code[0], code[:3]
    if letter == "A":
        return "agri"
    if letter == "F" or domain == "H22":
        return "btp"
    if domain in ("D11", "D12", "I16", "G16", "G18"):
        return "cma" if rng.random() < 0.55 else "tertiaire"
    if letter in "HI":
        return "industrie"
    if letter == "J" or code[:2] == "K1":
        return "sante"
    return "tertiaire"


def _make_cfa(rng: random.Random, world: _World, family: str, place: _Place) -> _Cfa:
    pattern = _pick(rng, voc.CFA_NAMES[family])
    name = pattern.format(
        town=place.name,
        de_town=_de(place.name),
        dept=world.dept_names.get(place.departement, place.departement),
        region=world.region_names.get(place.region, ""),
        person=_pick(rng, voc.LYCEE_PERSONS),
    )
    lat, lon = _jitter(rng, place)
    return _Cfa(
        name=name,
        family=family,
        place=place,
        address=_address(rng),
        postcode=_pick(rng, place.postcodes),
        lat=lat,
        lon=lon,
        phone=_phone(rng, place),
        email=f"{_CFA_MAIL[family]}.{_slug(place.name)}@exemple.fr",
        uai=f"{place.departement[:3].zfill(3)}{int(rng.random() * 10**4):04d}"
        f"{chr(65 + int(rng.random() * 26))}",
    )


def _make_cfas(rng: random.Random, world: _World, n_trainings: int) -> dict[str, list[_Cfa]]:
    n = max(60, n_trainings // 6)
    families = sorted(_CFA_FAMILY_WEIGHTS)
    fam_cum = _cumulative([_CFA_FAMILY_WEIGHTS[f] for f in families])
    cfas: dict[str, list[_Cfa]] = {f: [] for f in families}
    for _ in range(n):
        family = families[bisect.bisect_right(fam_cum, rng.random() * fam_cum[-1])]
        if family == "agri":
            cum = world.rural_cum
        elif family == "sup":
            cum = world.big_city_cum
        else:
            cum = world.cfa_cum
        cfas[family].append(_make_cfa(rng, world, family, world.pick_place(rng, cum)))
    return cfas


def _duration(title: str, rng: random.Random) -> int:
    if title.startswith(("Mention complémentaire", "Titre professionnel", "Licence pro")):
        return 12
    if title.startswith(("BUT", "Titre d'ingénieur", "DCG", "DSCG")) or "infirmier" in title:
        return 36
    if title.startswith("Diplôme d'État"):
        return 36 if ("éducateur" in title or "service social" in title) else 12
    if title.startswith("Bac pro"):
        return 36 if rng.random() < 0.6 else 24
    return 24


def _sessions(rng: random.Random, today: date, months: int) -> list[dict[str, Any]]:
    # Apprenticeship years start in September or October; some trainings also open in January.
    year = today.year if today.month < 9 else today.year + 1
    starts = [date(year, 9, _randint(rng, 1, 15))]
    if rng.random() < 0.35:
        starts.append(date(year, 10, _randint(rng, 1, 15)))
    jan = date(today.year + 1 if today.month >= 2 else today.year, 1, _randint(rng, 3, 20))
    if rng.random() < 0.3 and jan > today:
        starts.append(jan)
    starts.sort()
    return [
        {
            "start": s.isoformat(),
            "end": (_add_months(s, months) - timedelta(days=1)).isoformat(),
            "places": _randint(rng, 6, 24),
        }
        for s in starts
    ]


def _training_item(
    rng: random.Random,
    world: _World,
    cfa: _Cfa,
    code: str,
    level: int,
    title: str,
    today: date,
) -> Item:
    key = f"DEMO-{rng.getrandbits(96):024x}"
    months = _duration(title, rng)
    sessions = _sessions(rng, today, months)
    pct = _pick(rng, (60, 65, 70, 75))
    description = " ".join(
        [
            voc.TRAINING_DESCRIPTIONS[0].format(pct=pct),
            voc.TRAINING_DESCRIPTIONS[1].format(rhythm=_pick(rng, voc.RHYTHMS)),
            _pick(rng, voc.TRAINING_DESCRIPTIONS[2:]),
        ]
    )
    onisep = f"https://exemple.onisep.invalid/formation/{_slug(title)}-{key[5:13]}"
    return Item(
        kind=Kind.FORMATION,
        id=key,
        title=title,
        organisation=cfa.name,
        address=cfa.address,
        commune=cfa.place.name,
        insee=cfa.place.insee,
        postcode=cfa.postcode,
        departement=cfa.place.departement,
        lat=cfa.lat,
        lon=cfa.lon,
        romes=(code,),
        diploma_level=level,
        source=SOURCE_FORMATIONS,
        created=today - timedelta(days=_randint(rng, 30, 900)),
        updated=today - timedelta(days=_randint(rng, 0, 29)),
        phone=cfa.phone,
        email=cfa.email,
        url=onisep,
        fictitious=True,
        details={
            "cfa": cfa.name,
            "uai": cfa.uai,
            "diploma": title,
            "cle_ministere_educatif": key,
            "sessions": sessions,
            "duration_months": months,
            "onisep_url": onisep,
            "rdv_eligible": rng.random() < 0.5,
            "description": description,
            "places": sum(s["places"] for s in sessions),
        },
    )


def _pick_title(rng: random.Random, titles: Sequence[tuple[int, str]]) -> tuple[int, str]:
    total = sum(_LEVEL_WEIGHTS[level] for level, _ in titles)
    x = rng.random() * total
    for level, title in titles:
        x -= _LEVEL_WEIGHTS[level]
        if x <= 0:
            return level, title
    return titles[-1]


def _trainings(rng: random.Random, world: _World, n: int, today: date) -> Iterator[Item]:
    cfas = _make_cfas(rng, world, n)
    seen: set[tuple[int, str]] = set()
    produced = 0
    # Every département's Chambre de métiers runs the core craft diplomas in its main town.
    for _, index in world.main_towns:
        cma = _make_cfa(rng, world, "cma", world.places[index])
        cfas["cma"].append(cma)
        for code, level in voc.CMA_CORE:
            if produced >= n or code not in world.metiers:
                continue
            title = next(t for lv, t in world.titles[code] if lv == level)
            seen.add((id(cma), title))
            produced += 1
            world.cfa_by_rome.setdefault((code, cma.place.departement), []).append(cma)
            yield _training_item(rng, world, cma, code, level, title, today)
    while produced < n:
        code = world.pick_rome(rng)
        level, title = _pick_title(rng, world.titles[code])
        family = cfas[_family(code, level, rng)]
        cfa = family[int(rng.random() * len(family))]
        if (id(cfa), title) in seen:  # a CFA lists each diploma once
            continue
        seen.add((id(cfa), title))
        produced += 1
        world.cfa_by_rome.setdefault((code, cfa.place.departement), []).append(cfa)
        yield _training_item(rng, world, cfa, code, level, title, today)
    world.cfas = cfas


# --- Companies ---------------------------------------------------------------------------


def _company_names(rng: random.Random, place: _Place, code: str, big: bool) -> tuple[str, str]:
    """A trade name and a legal name: ("Boulangerie Martin", "SARL Boulangerie Martin")."""
    words = voc.BUSINESS_WORDS.get(code) or voc.DOMAIN_BUSINESS_WORDS.get(code[0], ("Services",))
    rnd = rng.random
    word = words[int(rnd() * len(words))]
    surname = voc.SURNAMES[int(rnd() * len(voc.SURNAMES))]
    r = rnd()
    if word in voc.INSTITUTION_WORDS:
        # Associations, farms and care homes carry no commercial legal form.
        name = f"{word} {_de(place.name)}" if r < 0.5 else f"{word} {surname}"
        return name, name
    if big:
        name = _pick(rng, (f"{word} {place.name}", f"Groupe {surname}", f"{surname} {word}"))
    elif r < 0.4:
        name = f"{word} {surname}"
    elif r < 0.6:
        name = f"{word} {_pick(rng, voc.PLACE_WORDS)}"
    elif r < 0.72:
        name = f"{word} {_de(place.name)}"
    elif r < 0.82:
        name = f"{surname} et Fils"
    elif r < 0.9:
        name = f"{surname} Frères"
    else:
        name = f"{word} {surname} & {_pick(rng, voc.SURNAMES)}"
    forms = voc.BIG_LEGAL_FORMS if big else voc.LEGAL_FORMS
    form = forms[int(rnd() ** 1.6 * len(forms))]
    return name, f"{form} {name}"


def _companies(
    rng: random.Random, world: _World, n: int, today: date, keep: set[int]
) -> Iterator[Item]:
    # The hottest loop of a "france" build (350,000 companies): draws are inlined on purpose.
    rnd = rng.random
    size_cum = _cumulative(voc.SIZE_WEIGHTS)
    size_total = size_cum[-1]
    place_cum, places = world.company_cum, world.places
    place_total = place_cum[-1]
    rome_cum, rome_codes = world.rome_cum, world.rome_codes
    rome_total = rome_cum[-1]
    days_ago = [today - timedelta(days=k) for k in range(3001)]
    nafs = {c: voc.ROME_NAF.get(c) or voc.DOMAIN_NAF[c[0]] for c in rome_codes}
    opcos = {c: _opco(c) for c in rome_codes}
    reasons = voc.HIRING_REASONS
    sirens: set[int] = set()
    kept: list[_Company] = []
    bisect_right = bisect.bisect_right
    for index in range(n):
        place = places[bisect_right(place_cum, rnd() * place_total)]
        main = rome_codes[bisect_right(rome_cum, rnd() * rome_total)]
        related = world.related[main]
        extra = int(rnd() * 3) if related else 0
        if extra:
            romes = (main, *sorted({related[int(rnd() * len(related))] for _ in range(extra)}))
        else:
            romes = (main,)
        size_i = bisect_right(size_cum, rnd() * size_total)
        size = voc.SIZE_BANDS[size_i]
        name, legal = _company_names(rng, place, main, size_i >= 8)
        siren = 10_000_000 + int(rnd() * 90_000_000)
        while siren in sirens:
            siren = 10_000_000 + int(rnd() * 90_000_000)
        sirens.add(siren)
        siret = _siret(siren, 1 + int(rnd() * 99))
        lat = round(place.lat + (rnd() - 0.5) * 2 * _JITTER_DEG, 6)
        lon = round(place.lon + (rnd() - 0.5) * 2 * _JITTER_DEG * place.lon_scale, 6)
        if main[0] in "FHIN" and rnd() < 0.5:  # workshops and depots sit in business parks
            address = f"{1 + int(rnd() * 40)} {_pick(rng, voc.BUSINESS_PARKS)}"
        else:
            address = f"{1 + int(rnd() * 120)} {_pick(rng, voc.STREETS)}"
        postcodes = place.postcodes
        postcode = postcodes[int(rnd() * len(postcodes))] if len(postcodes) > 1 else postcodes[0]
        naf = nafs[main]
        opco = opcos[main]
        potential = 1 + bisect_right(_POTENTIAL_CUM, rnd() * _POTENTIAL_CUM[-1])
        phone = ""
        if rnd() < 0.7:
            number = int(rnd() * 10_000)
            phone = f"{place.phone} {number // 100:02d} {number % 100:02d}"
        item = Item(
            kind=Kind.ENTREPRISE,
            id=siret,
            title=name,
            organisation=legal,
            address=address,
            commune=place.name,
            insee=place.insee,
            postcode=postcode,
            departement=place.departement,
            lat=lat,
            lon=lon,
            romes=romes,
            source=SOURCE_ENTREPRISES,
            created=days_ago[60 + int(rnd() * 2941)],
            updated=days_ago[int(rnd() * 46)],
            phone=phone,
            email=f"contact.{_slug(name)}@exemple.fr" if rnd() < 0.5 else "",
            siret=siret,
            opco=opco,
            handi_friendly=rnd() < 0.08,
            fictitious=True,
            details={
                "naf_code": naf[0],
                "naf_label": naf[1],
                "company_size": size,
                "hiring_potential": potential,
                "reason": reasons[int(rnd() * len(reasons))],
            },
        )
        if index in keep:
            kept.append(
                _Company(name, siret, place, address, postcode, lat, lon, romes, size, opco, naf)
            )
        yield item
    world.kept_companies = kept


# --- Offers and partenariats -------------------------------------------------------------


def _offer_text(rng: random.Random, company: _Company, job: str) -> str:
    return " ".join(
        (
            _pick(rng, voc.OFFER_OPENINGS).format(
                company=company.name,
                town=company.place.name,
                a_town=_a(company.place.name),
                job=_lower_first(job),
            ),
            _pick(rng, voc.OFFER_MISSIONS),
            _pick(rng, voc.OFFER_PROFILES),
        )
    )


def _offer_level(rng: random.Random, titles: Sequence[tuple[int, str]]) -> int | None:
    if rng.random() < 0.4:
        return None  # "Indifférent"
    # An employer asks for a level that leads to the métier, the lower ones more often.
    return _pick_title(rng, titles)[0]


def _offer_item(
    rng: random.Random,
    world: _World,
    company: _Company,
    code: str,
    today: date,
    kind: Kind,
    cfa: _Cfa | None,
) -> Item:
    job = world.inclusive[code]
    pro = kind is Kind.OFFRE and rng.random() < 0.2
    pattern = _pick(rng, voc.PRO_CONTRACT_TITLES if pro else voc.OFFER_TITLES)
    title = pattern.format(job=_lower_first(job), Job=job)
    key = f"DEMO-{rng.getrandbits(64):016x}"
    if kind is Kind.PARTENARIAT:
        source = SOURCE_PARTENARIATS
    else:
        source = SOURCE_FRANCE_TRAVAIL if rng.random() < 0.6 else SOURCE_PARTENAIRES
    created = today - timedelta(days=_randint(rng, 0, 60))
    start = today + timedelta(days=_randint(rng, 30, 180))
    # A professionalisation contract lasts 6 to 24 months, an apprenticeship up to 36.
    months = _pick(rng, (12, 24)) if pro else _pick(rng, (12, 12, 24, 24, 24, 36))
    apply_url = f"https://offres.exemple.invalid/{source}/{key[5:]}"
    details: dict[str, Any] = {
        "contract_type": "Contrat de professionnalisation" if pro else "Apprentissage",
        "start_date": start.isoformat(),
        "duration_months": months,
        "description": _offer_text(rng, company, job),
        "positions": 1 if rng.random() < 0.8 else _randint(rng, 2, 4),
        "apply_url": apply_url,
        "company_size": company.size,
        "naf_code": company.naf[0],
        "naf_label": company.naf[1],
        "weekly_hours": 35,
    }
    if cfa is not None:
        details["cfa"] = cfa.name
        details["cfa_email"] = cfa.email
    lat, lon = _jitter(rng, company.place) if rng.random() < 0.3 else (company.lat, company.lon)
    return Item(
        kind=kind,
        id=key,
        title=title,
        organisation=company.name,
        address=company.address,
        commune=company.place.name,
        insee=company.place.insee,
        postcode=company.postcode,
        departement=company.place.departement,
        lat=lat,
        lon=lon,
        romes=(code,),
        diploma_level=_offer_level(rng, world.titles[code]),
        source=source,
        created=created,
        updated=created + timedelta(days=_randint(rng, 0, today.toordinal() - created.toordinal())),
        email=cfa.email if cfa else "",
        url=apply_url,
        siret=company.siret,
        opco=company.opco,
        handi_friendly=rng.random() < 0.08,
        fictitious=True,
        details=details,
    )


def _offers(
    rng: random.Random, world: _World, companies: list[_Company], today: date, kind: Kind
) -> Iterator[Item]:
    cfas_by_dept: dict[str, list[_Cfa]] = {}
    all_cfas: list[_Cfa] = []
    for family in sorted(world.cfas):
        for cfa in world.cfas[family]:
            cfas_by_dept.setdefault(cfa.place.departement, []).append(cfa)
            all_cfas.append(cfa)
    for company in companies:
        code = _pick(rng, company.romes)
        cfa = None
        if kind is Kind.PARTENARIAT:
            # A CFA posts offers for the companies that take its apprentices: one of the
            # département that trains for the métier, else any CFA of the département.
            dept = company.place.departement
            local = world.cfa_by_rome.get((code, dept)) or cfas_by_dept.get(dept) or all_cfas
            cfa = local[int(rng.random() * len(local))]
        yield _offer_item(rng, world, company, code, today, kind, cfa)


# --- Building ----------------------------------------------------------------------------


def build_demo_catalogue(
    path: Path,
    *,
    scale: str = "demo",
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    report: Report | None = None,
) -> dict[Kind, int]:
    """Write a complete fictitious catalogue at `path` and return the item count per kind.

    The same seed and `today` give the same items, byte for byte (only `built_at` changes).
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {sorted(SCALES)}")
    today = today or date.today()
    sizes = SCALES[scale]
    total = sum(sizes.values())
    world = _World()
    # One generator per kind, so that changing one kind's count leaves the others unchanged.
    rngs = {kind: random.Random(f"{seed}:{kind.value}") for kind in Kind}
    picker = random.Random(f"{seed}:picks")
    n_companies = sizes[Kind.ENTREPRISE]
    offer_picks = [picker.randrange(n_companies) for _ in range(sizes[Kind.OFFRE])]
    partner_picks = [picker.randrange(n_companies) for _ in range(sizes[Kind.PARTENARIAT])]

    counts: Counter[Kind] = Counter()
    freshness: Counter[tuple[str, str]] = Counter()
    done = 0
    writer = CatalogueWriter(path)
    try:

        def write(items: Iterator[Item], kind: Kind) -> None:
            nonlocal done
            for chunk in _batched(items, CHUNK):
                writer.add_items(chunk)
                freshness.update((item.source, item.departement) for item in chunk)
                counts[kind] += len(chunk)
                done += len(chunk)
                if report:
                    report(done, total, kind.plural_fr)

        write(_trainings(rngs[Kind.FORMATION], world, sizes[Kind.FORMATION], today),
              Kind.FORMATION)  # fmt: skip
        keep = set(offer_picks) | set(partner_picks)
        write(_companies(rngs[Kind.ENTREPRISE], world, n_companies, today, keep), Kind.ENTREPRISE)
        kept: list[_Company] = world.kept_companies
        by_index = dict(zip(sorted(keep), kept, strict=True))
        write(_offers(rngs[Kind.OFFRE], world, [by_index[i] for i in offer_picks], today,
                      Kind.OFFRE), Kind.OFFRE)  # fmt: skip
        write(_offers(rngs[Kind.PARTENARIAT], world, [by_index[i] for i in partner_picks], today,
                      Kind.PARTENARIAT), Kind.PARTENARIAT)  # fmt: skip

        updated_at = f"{today.isoformat()}T06:00:00+00:00"
        for (source, dept), n in sorted(freshness.items()):
            writer.set_freshness(source, dept, updated_at, n)
        writer.set_meta(
            {
                "origin": "demo",
                "label_fr": LABEL_FR,
                "scale": scale,
                "seed": str(seed),
                "today": today.isoformat(),
                "built_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "generator": f"lba_desktop.data.demo {GENERATOR_VERSION}",
                "generator_version": GENERATOR_VERSION,
                "fictitious": "1",
            }
        )
        if report:
            report(done, total, "Index de recherche")
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    if report:
        report(total, total, "Terminé")
    return {kind: counts[kind] for kind in Kind}


def _batched(items: Iterator[Item], n: int) -> Iterator[tuple[Item, ...]]:
    while chunk := tuple(itertools.islice(items, n)):
        yield chunk


def ensure_demo_catalogue(path: Path) -> bool:
    """Build the demo catalogue at `path` unless a file is already there; True if it built.

    The file is built beside the target and renamed over it, so a killed build never leaves
    a half-written catalogue where the application looks for one.
    """
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".building")
    try:
        build_demo_catalogue(staging, scale="demo")
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
    return True

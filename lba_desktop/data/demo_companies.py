"""The demo companies (spread like the population, named as French businesses are, with
valid SIRETs), then the offers and partenariats posted for some of them."""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from lba_desktop.data import demo_vocabulary as voc
from lba_desktop.data.demo_trainings import pick_title
from lba_desktop.data.demo_world import (
    JITTER_DEG,
    POTENTIAL_CUM,
    SOURCE_ENTREPRISES,
    SOURCE_FRANCE_TRAVAIL,
    SOURCE_PARTENAIRES,
    SOURCE_PARTENARIATS,
    DemoCfa,
    DemoCompany,
    DemoPlace,
    DemoWorld,
    cumulative,
    jittered,
    lower_first,
    make_siret,
    opco_of,
    pick,
    randint,
    slug,
    with_a,
    with_de,
)
from lba_desktop.models import Item, Kind

# --- Companies ---------------------------------------------------------------------------


def _company_names(rng: random.Random, place: DemoPlace, code: str, big: bool) -> tuple[str, str]:
    """A trade name and a legal name: ("Boulangerie Martin", "SARL Boulangerie Martin")."""
    words = voc.BUSINESS_WORDS.get(code) or voc.DOMAIN_BUSINESS_WORDS.get(code[0], ("Services",))
    rnd = rng.random
    word = words[int(rnd() * len(words))]
    surname = voc.SURNAMES[int(rnd() * len(voc.SURNAMES))]
    r = rnd()
    if word in voc.INSTITUTION_WORDS:
        # Associations, farms and care homes carry no commercial legal form.
        name = f"{word} {with_de(place.name)}" if r < 0.5 else f"{word} {surname}"
        return name, name
    if big:
        name = pick(rng, (f"{word} {place.name}", f"Groupe {surname}", f"{surname} {word}"))
    elif r < 0.4:
        name = f"{word} {surname}"
    elif r < 0.6:
        name = f"{word} {pick(rng, voc.PLACE_WORDS)}"
    elif r < 0.72:
        name = f"{word} {with_de(place.name)}"
    elif r < 0.82:
        name = f"{surname} et Fils"
    elif r < 0.9:
        name = f"{surname} Frères"
    else:
        name = f"{word} {surname} & {pick(rng, voc.SURNAMES)}"
    forms = voc.BIG_LEGAL_FORMS if big else voc.LEGAL_FORMS
    form = forms[int(rnd() ** 1.6 * len(forms))]
    return name, f"{form} {name}"


def make_companies(
    rng: random.Random, world: DemoWorld, n: int, today: date, keep: set[int]
) -> Iterator[Item]:
    # The hottest loop of a "france" build (350,000 companies): draws are inlined on purpose.
    # The first ones are the hubs' (a given commune and métier), the rest drawn at random.
    forced = world.hub_company_slots()
    rnd = rng.random
    size_cum = cumulative(voc.SIZE_WEIGHTS)
    size_total = size_cum[-1]
    place_cum, places = world.company_cum, world.places
    place_total = place_cum[-1]
    rome_cum, rome_codes = world.rome_cum, world.rome_codes
    rome_total = rome_cum[-1]
    days_ago = [today - timedelta(days=k) for k in range(3001)]
    nafs = {c: voc.ROME_NAF.get(c) or voc.DOMAIN_NAF[c[0]] for c in rome_codes}
    opcos = {c: opco_of(c) for c in rome_codes}
    reasons = voc.HIRING_REASONS
    sirens: set[int] = set()
    kept: list[DemoCompany] = []
    bisect_right = bisect.bisect_right
    for index in range(n):
        if index < len(forced):
            place, main = places[forced[index][0]], forced[index][1]
        else:
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
        siret = make_siret(siren, 1 + int(rnd() * 99))
        lat = round(place.lat + (rnd() - 0.5) * 2 * JITTER_DEG, 6)
        lon = round(place.lon + (rnd() - 0.5) * 2 * JITTER_DEG * place.lon_scale, 6)
        if main[0] in "FHIN" and rnd() < 0.5:  # workshops and depots sit in business parks
            address = f"{1 + int(rnd() * 40)} {pick(rng, voc.BUSINESS_PARKS)}"
        else:
            address = f"{1 + int(rnd() * 120)} {pick(rng, voc.STREETS)}"
        postcodes = place.postcodes
        postcode = postcodes[int(rnd() * len(postcodes))] if len(postcodes) > 1 else postcodes[0]
        naf = nafs[main]
        opco = opcos[main]
        potential = 1 + bisect_right(POTENTIAL_CUM, rnd() * POTENTIAL_CUM[-1])
        phone = ""
        if rnd() < 0.7:
            number = int(rnd() * 10_000)
            phone = f"{place.phone} {number // 100:02d} {number % 100:02d}"
        # Positional, in the field order of `Item` (by keyword its 24 fields cost 2.4 µs an
        # item instead of 0.5); the draws keep their order, so the output is unchanged.
        item = Item(
            Kind.ENTREPRISE,
            siret,  # id
            name,  # title
            legal,  # organisation
            address,
            place.name,  # commune
            place.insee,
            postcode,
            place.departement,
            lat,
            lon,
            romes,
            None,  # diploma level
            SOURCE_ENTREPRISES,
            days_ago[60 + int(rnd() * 2941)],  # created
            days_ago[int(rnd() * 46)],  # updated
            phone,
            f"contact.{slug(name)}@exemple.fr" if rnd() < 0.5 else "",  # email
            "",  # url
            siret,
            opco,
            rnd() < 0.08,  # handi-friendly
            True,  # fictitious
            {
                "naf_code": naf[0],
                "naf_label": naf[1],
                "company_size": size,
                "hiring_potential": potential,
                "reason": reasons[int(rnd() * len(reasons))],
            },
        )
        if index in keep:
            kept.append(
                DemoCompany(name, siret, place, address, postcode, lat, lon, romes, size, opco, naf)
            )
        yield item
    world.kept_companies = kept


# --- Offers and partenariats -------------------------------------------------------------


def _offer_text(rng: random.Random, company: DemoCompany, job: str) -> str:
    return " ".join(
        (
            pick(rng, voc.OFFER_OPENINGS).format(
                company=company.name,
                town=company.place.name,
                a_town=with_a(company.place.name),
                job=lower_first(job),
            ),
            pick(rng, voc.OFFER_MISSIONS),
            pick(rng, voc.OFFER_PROFILES),
        )
    )


def _offer_level(rng: random.Random, titles: Sequence[tuple[int, str]]) -> int | None:
    if rng.random() < 0.4:
        return None  # "Indifférent"
    # An employer asks for a level that leads to the métier, the lower ones more often.
    return pick_title(rng, titles)[0]


def _offer_item(
    rng: random.Random,
    world: DemoWorld,
    company: DemoCompany,
    code: str,
    today: date,
    kind: Kind,
    cfa: DemoCfa | None,
) -> Item:
    job = world.inclusive[code]
    pro = kind is Kind.OFFRE and rng.random() < 0.2
    pattern = pick(rng, voc.PRO_CONTRACT_TITLES if pro else voc.OFFER_TITLES)
    title = pattern.format(job=lower_first(job), Job=job)
    key = f"DEMO-{rng.getrandbits(64):016x}"
    if kind is Kind.PARTENARIAT:
        source = SOURCE_PARTENARIATS
    else:
        source = SOURCE_FRANCE_TRAVAIL if rng.random() < 0.6 else SOURCE_PARTENAIRES
    created = today - timedelta(days=randint(rng, 0, 60))
    start = today + timedelta(days=randint(rng, 30, 180))
    # A professionalisation contract lasts 6 to 24 months, an apprenticeship up to 36.
    months = pick(rng, (12, 24)) if pro else pick(rng, (12, 12, 24, 24, 24, 36))
    apply_url = f"https://offres.exemple.invalid/{source}/{key[5:]}"
    details: dict[str, Any] = {
        "contract_type": "Contrat de professionnalisation" if pro else "Apprentissage",
        "start_date": start.isoformat(),
        "duration_months": months,
        "description": _offer_text(rng, company, job),
        "positions": 1 if rng.random() < 0.8 else randint(rng, 2, 4),
        "apply_url": apply_url,
        "company_size": company.size,
        "naf_code": company.naf[0],
        "naf_label": company.naf[1],
        "weekly_hours": 35,
    }
    if cfa is not None:
        details["cfa"] = cfa.name  # no CFA address: the 2026 offers publish none
    lat, lon = jittered(rng, company.place) if rng.random() < 0.3 else (company.lat, company.lon)
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
        updated=created + timedelta(days=randint(rng, 0, today.toordinal() - created.toordinal())),
        url=apply_url,
        siret=company.siret,
        opco=company.opco,
        handi_friendly=rng.random() < 0.08,
        fictitious=True,
        details=details,
    )


def make_offers(
    rng: random.Random,
    world: DemoWorld,
    companies: list[DemoCompany],
    today: date,
    kind: Kind,
    *,
    main_rome: bool = False,
) -> Iterator[Item]:
    """One offer per company, for its main métier (`main_rome`, a hub's) or any of them."""
    cfas_by_dept: dict[str, list[DemoCfa]] = {}
    all_cfas: list[DemoCfa] = []
    for family in sorted(world.cfas):
        for cfa in world.cfas[family]:
            cfas_by_dept.setdefault(cfa.place.departement, []).append(cfa)
            all_cfas.append(cfa)
    for company in companies:
        code = company.romes[0] if main_rome else pick(rng, company.romes)
        cfa = None
        if kind is Kind.PARTENARIAT:
            # A CFA posts offers for the companies that take its apprentices: one of the
            # département that trains for the métier, else any CFA of the département.
            dept = company.place.departement
            local = world.cfa_by_rome.get((code, dept)) or cfas_by_dept.get(dept) or all_cfas
            cfa = local[int(rng.random() * len(local))]
        yield _offer_item(rng, world, company, code, today, kind, cfa)

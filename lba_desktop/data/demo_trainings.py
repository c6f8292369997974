"""The demo trainings: CFAs placed where they cluster, the diplomas each teaches (with the
levels they are taught at), their sessions and the details a counsellor reads."""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from lba_desktop.data import demo_vocabulary as voc
from lba_desktop.data.demo_insertion import demo_cfd
from lba_desktop.data.demo_world import (
    CFA_FAMILY_WEIGHTS,
    LEVEL_WEIGHTS,
    SOURCE_FORMATIONS,
    DemoCfa,
    DemoPlace,
    DemoWorld,
    add_months,
    cumulative,
    fake_phone,
    jittered,
    pick,
    randint,
    slug,
    street_address,
    with_de,
)
from lba_desktop.models import Item, Kind


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


def _make_cfa(rng: random.Random, world: DemoWorld, family: str, place: DemoPlace) -> DemoCfa:
    pattern = pick(rng, voc.CFA_NAMES[family])
    name = pattern.format(
        town=place.name,
        de_town=with_de(place.name),
        dept=world.dept_names.get(place.departement, place.departement),
        region=world.region_names.get(place.region, ""),
        person=pick(rng, voc.LYCEE_PERSONS),
    )
    lat, lon = jittered(rng, place)
    return DemoCfa(
        name=name,
        family=family,
        place=place,
        address=street_address(rng),
        postcode=pick(rng, place.postcodes),
        lat=lat,
        lon=lon,
        phone=fake_phone(rng, place),
        uai=f"{place.departement[:3].zfill(3)}{int(rng.random() * 10**4):04d}"
        f"{chr(65 + int(rng.random() * 26))}",
    )


def _make_cfas(rng: random.Random, world: DemoWorld, n_trainings: int) -> dict[str, list[DemoCfa]]:
    n = max(60, n_trainings // 6)
    families = sorted(CFA_FAMILY_WEIGHTS)
    fam_cum = cumulative([CFA_FAMILY_WEIGHTS[f] for f in families])
    cfas: dict[str, list[DemoCfa]] = {f: [] for f in families}
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
    starts = [date(year, 9, randint(rng, 1, 15))]
    if rng.random() < 0.35:
        starts.append(date(year, 10, randint(rng, 1, 15)))
    jan = date(today.year + 1 if today.month >= 2 else today.year, 1, randint(rng, 3, 20))
    if rng.random() < 0.3 and jan > today:
        starts.append(jan)
    starts.sort()
    return [
        {
            "start": s.isoformat(),
            "end": (add_months(s, months) - timedelta(days=1)).isoformat(),
            "places": randint(rng, 6, 24),
        }
        for s in starts
    ]


def _training_item(
    rng: random.Random,
    world: DemoWorld,
    cfa: DemoCfa,
    code: str,
    level: int,
    title: str,
    today: date,
    *,
    romes: tuple[str, ...] = (),
) -> Item:
    key = f"DEMO-{rng.getrandbits(96):024x}"
    months = _duration(title, rng)
    sessions = _sessions(rng, today, months)
    pct = pick(rng, (60, 65, 70, 75))
    description = " ".join(
        [
            voc.TRAINING_DESCRIPTIONS[0].format(pct=pct),
            voc.TRAINING_DESCRIPTIONS[1].format(rhythm=pick(rng, voc.RHYTHMS)),
            pick(rng, voc.TRAINING_DESCRIPTIONS[2:]),
        ]
    )
    onisep = f"https://exemple.onisep.invalid/formation/{slug(title)}-{key[5:13]}"
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
        romes=romes or (code,),
        diploma_level=level,
        source=SOURCE_FORMATIONS,
        created=today - timedelta(days=randint(rng, 30, 900)),
        updated=today - timedelta(days=randint(rng, 0, 29)),
        phone=cfa.phone,
        # As the 2026 upstream: no CFA address published, only whether it has one.
        url=onisep,
        fictitious=True,
        details={
            "cfa": cfa.name,
            "uai": cfa.uai,
            "cfd": demo_cfd(title, level),
            "diploma": title,
            "rncp_code": world.rncp_codes[title],
            "cle_ministere_educatif": key,
            "sessions": sessions,
            "duration_months": months,
            "onisep_url": onisep,
            "rdv_eligible": rng.random() < 0.5,
            "cfa_has_email": int(cfa.uai[3:7]) % 3 != 0,
            "description": description,
            "places": sum(s["places"] for s in sessions),
        },
    )


def pick_title(rng: random.Random, titles: Sequence[tuple[int, str]]) -> tuple[int, str]:
    total = sum(LEVEL_WEIGHTS[level] for level, _ in titles)
    x = rng.random() * total
    for level, title in titles:
        x -= LEVEL_WEIGHTS[level]
        if x <= 0:
            return level, title
    return titles[-1]


def make_trainings(rng: random.Random, world: DemoWorld, n: int, today: date) -> Iterator[Item]:
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
    # Where counsellors search first, each common métier is taught at every level it is
    # taught at (two CFAs per diploma in a large city), then the rest is drawn at random.
    hub_cfas: dict[tuple[int, str, int], DemoCfa] = {}
    # One diploma prepares for several métiers (« CAP Équipier polyvalent du commerce »):
    # it lists all of them, so a search for any finds it.
    title_romes: dict[str, tuple[str, ...]] = {}
    for code in world.common_romes:
        for _level, title in world.titles[code]:
            title_romes[title] = (*title_romes.get(title, ()), code)
    for hub in world.hubs:
        place = world.places[hub.place]
        for code in world.common_romes:
            for level, title in world.titles[code]:
                family = _family(code, level, rng)
                for copy in range(2 if hub.large else 1):
                    cfa = hub_cfas.get((hub.place, family, copy))
                    if cfa is None:
                        cfa = hub_cfas[(hub.place, family, copy)] = _make_cfa(
                            rng, world, family, place
                        )
                        cfas[family].append(cfa)
                    if produced >= n or (id(cfa), title) in seen:
                        continue
                    seen.add((id(cfa), title))
                    produced += 1
                    romes = title_romes[title]
                    for each in romes:
                        world.cfa_by_rome.setdefault((each, place.departement), []).append(cfa)
                    yield _training_item(rng, world, cfa, code, level, title, today, romes=romes)
    while produced < n:
        code = world.pick_rome(rng)
        level, title = pick_title(rng, world.titles[code])
        family = cfas[_family(code, level, rng)]
        cfa = family[int(rng.random() * len(family))]
        if (id(cfa), title) in seen:  # a CFA lists each diploma once
            continue
        seen.add((id(cfa), title))
        produced += 1
        world.cfa_by_rome.setdefault((code, cfa.place.departement), []).append(cfa)
        yield _training_item(rng, world, cfa, code, level, title, today)
    world.cfas = cfas

"""Deterministic invented upstream data (V1 trainings, V3 jobs/recruiters) and its queries."""

from __future__ import annotations

import math
import random
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from lba_desktop.models import DIPLOMA_LEVELS
from tests.fake_upstream import shapes

FORMATIONS_CAP = 500  # upstream: a random sample beyond this many trainings

# Invented communes (real département codes, fictional names and coordinates near the real areas).
# (insee, name, postcode, lat, lon)
COMMUNES: dict[str, list[tuple[str, str, str, float, float]]] = {
    "15": [
        ("15014", "Aurival-sur-Jordanne", "15000", 44.926, 2.444),
        ("15187", "Saint-Flour-des-Planèzes", "15100", 45.034, 3.093),
        ("15120", "Mauriac-les-Puys", "15200", 45.218, 2.333),
    ],
    "19": [
        ("19031", "Brive-Fontaulière", "19100", 45.159, 1.533),
        ("19272", "Tulle-sur-Corrèze", "19000", 45.267, 1.771),
    ],
    "63": [
        ("63113", "Clairmont-Volcans", "63000", 45.778, 3.087),
        ("63300", "Riom-la-Limagne", "63200", 45.894, 3.113),
        ("63430", "Thiers-Coutellerie", "63300", 45.856, 3.548),
    ],
    "75": [
        ("75101", "Paris-Louvre-Fictif", "75001", 48.862, 2.336),
        ("75111", "Paris-Roquette-Fictif", "75011", 48.859, 2.380),
        ("75115", "Paris-Vaugirard-Fictif", "75015", 48.841, 2.300),
        ("75118", "Paris-Montmartre-Fictif", "75018", 48.892, 2.348),
    ],
}
REGION_OF = {"15": "84", "63": "84", "19": "75", "75": "11"}
# Trainings per département; most of Paris is in D12 so one (75, D12) query exceeds the cap.
FORMATION_COUNTS = {"75": 1400, "63": 520, "19": 150, "15": 120}
HEAVY_DOMAIN = {"75": "D12"}
JOB_COUNTS = {"75": 400, "63": 150, "19": 60, "15": 50}
RECRUITER_COUNTS = {"75": 300, "63": 120, "19": 50, "15": 40}

ROMES: dict[str, list[tuple[str, str]]] = {
    "D12": [("D1211", "Vente en articles de sport"), ("D1212", "Vente en décoration"),
            ("D1214", "Vente en habillement")],
    "D11": [("D1102", "Boulangerie - viennoiserie"), ("D1106", "Vente en alimentation")],
    "F16": [("F1603", "Installation d'équipements sanitaires"), ("F1604", "Montage de structures")],
    "G16": [("G1602", "Personnel de cuisine"), ("G1603", "Personnel polyvalent en restauration")],
    "H29": [("H2909", "Montage-assemblage mécanique"), ("H2913", "Soudage manuel")],
    "I13": [("I1304", "Maintenance d'équipement industriel"), ("I1308", "Maintenance thermique")],
    "M16": [("M1607", "Secrétariat"), ("M1602", "Opérations administratives")],
    "M18": [("M1805", "Études et développement informatique"), ("M1810", "Production info")],
    "A14": [("A1414", "Horticulture et maraîchage"), ("A1416", "Polyculture, élevage")],
}  # fmt: skip
DIPLOMAS = {
    3: "CERTIFICAT D'APTITUDES PROFESSIONNELLES",
    4: "BAC PROFESSIONNEL",
    5: "BREVET DE TECHNICIEN SUPERIEUR",
    6: "LICENCE PROFESSIONNELLE",
    7: "MASTER",
}
OPCOS = ("AFDAS", "ATLAS", "Constructys", "L'Opcommerce", "OCAPIAT", "OPCO 2i",
         "Opco entreprises de proximité", "Opco Mobilités", "Opco Santé")  # fmt: skip
PARTNERS = ("France Travail", "offres_emploi_lba", "Hellowork", "Métiers de l'artisanat")
SKILLS = ("Ponctualité", "Travail en équipe", "Sens du contact", "Rigueur", "Curiosité")
ACCESS = ("Permis B souhaité", "Être âgé de 16 à 29 ans", "Casier judiciaire vierge")
# Offers the fake holds but the search no longer lists (the bulk export still has them).
STATUSES = ("Active",) * 17 + ("Filled", "Cancelled", "Pending")
NAMES_A = ("Atelier", "Maison", "Comptoir", "Fabrique", "Société", "Ateliers", "Groupe", "Boutique")
NAMES_B = ("des Volcans", "du Lac Bleu", "Martinot", "Belcourt", "de la Cascade", "Rivemont",
           "du Plateau", "Chanterive", "des Tilleuls", "Sorelle")  # fmt: skip
CFA_NAMES = ("CFA des Métiers du Massif", "CFA Interpro Arverne", "École Pratique Lumière",
             "CFA Commerce et Services Fictif", "Campus Apprentis Horizon")  # fmt: skip
STREETS = ("RUE DES ÉRABLES", "AVENUE DU PUY", "BOULEVARD FICTIF", "RUE DU MOULIN", "PLACE HAUTE")
SIZES = ("0-0", "1-2", "3-5", "6-9", "10-19", "20-49", "50-99", "100-199")


@dataclass
class Dataset:
    formations: list[dict[str, Any]]
    jobs: list[dict[str, Any]]
    recruiters: list[dict[str, Any]]


def _place(rng: random.Random, dep: str) -> tuple[str, str, str, float, float, str]:
    insee, city, postcode, lat, lon = rng.choice(COMMUNES[dep])
    lat += rng.uniform(-0.05, 0.05)
    lon += rng.uniform(-0.05, 0.05)
    street = f"{rng.randint(1, 120)} {rng.choice(STREETS)}"
    return insee, city.upper(), postcode, round(lat, 5), round(lon, 5), street


def _siret(rng: random.Random) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(14))


def make_formation(rng: random.Random, n: int, dep: str, domain: str) -> dict[str, Any]:
    """One V1 `Formation` (ideaType "formation")."""
    insee, city, postcode, lat, lon, street = _place(rng, dep)
    level = rng.choice((3, 3, 4, 4, 5, 5, 6, 7))
    code, label = rng.choice(ROMES[domain])
    key = f"{2026 - rng.randint(0, 2)}_{n:06d}_{dep}_{code}#L01"
    positioned = n % 50 != 7  # a few trainings come without coordinates
    start = f"2026-{rng.randint(9, 10):02d}-{rng.randint(1, 28):02d}T00:00:00.000Z"
    cfa = rng.choice(CFA_NAMES)
    return {
        "ideaType": "formation",
        "id": f"{n:024x}",
        "cleMinistereEducatif": key,
        "title": f"{DIPLOMAS[level].title()} {label}",
        "longTitle": f"{label.upper()} ({DIPLOMAS[level]})",
        "diploma": DIPLOMAS[level],
        "cfd": f"{rng.randint(10000000, 99999999)}",
        "rncpCode": f"RNCP{rng.randint(1000, 39999)}",
        "rncpLabel": label,
        "rncpEligibleApprentissage": True,
        "target_diploma_level": DIPLOMA_LEVELS[level],
        "period": None,
        "capacity": str(rng.choice((8, 12, 15, 24))) if rng.random() < 0.6 else None,
        "onisepUrl": f"https://www.onisep.example/formation/{n}",
        "romes": [{"code": code, "label": label}],
        "place": {
            "distance": None,
            "fullAddress": f"{street} {postcode} {city}",
            "address": street,
            "city": city,
            "zipCode": postcode,
            "insee": insee,
            "departementNumber": dep,
            "region": REGION_OF[dep],
            "latitude": lat if positioned else None,
            "longitude": lon if positioned else None,
        },
        "company": {
            "name": cfa,
            "siret": _siret(rng),
            "uai": f"0{rng.randint(100000, 999999)}X",
            "elligibleHandicap": rng.random() < 0.3,
            "headquarter": {"name": cfa + " (gestionnaire)", "siret": _siret(rng), "place": None},
            "place": {"city": city},
        },
        "contact": {
            "hasEmail": True,
            "phone": f"04{rng.randint(10000000, 99999999)}",
            "email": f"contact{n}@cfa.example",
        },
        "training": {
            "description": f"Formation en alternance au métier « {label} » : {len(label)} "
            "semaines au CFA par an, le reste en entreprise.",
            "objectif": f"Devenir professionnel qualifié en « {label} ».",
            "duration": rng.choice((365, 730)),
            "sessions": [
                {"startDate": start, "endDate": None, "isPermanentEntry": rng.random() < 0.2}
            ],
        },
        "rdvContext": (
            {"form_url": f"https://rdv.example/form/{n}", "cle_ministere_educatif": key}
            if rng.random() < 0.4
            else None
        ),
    }


def _workplace(rng: random.Random, dep: str, opco: str) -> dict[str, Any]:
    _insee, city, postcode, lat, lon, street = _place(rng, dep)
    name = f"{rng.choice(NAMES_A)} {rng.choice(NAMES_B)}"
    return {
        "siret": _siret(rng),
        "brand": name if rng.random() < 0.7 else None,
        "legal_name": name.upper() + " SARL",
        "website": None,
        "name": name,
        "description": None,
        "size": rng.choice(SIZES),
        "location": {
            "address": f"{street} {postcode} {city}",
            "geopoint": {"type": "Point", "coordinates": [lon, lat]},
        },
        "domain": {
            "idcc": rng.choice((None, 1486, 2216)),
            "opco": opco,
            "naf": {"code": "4771Z", "label": "Commerce de détail d'habillement"},
        },
    }


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:00:00.000Z")


def make_job(rng: random.Random, n: int, dep: str, today: datetime) -> dict[str, Any]:
    """One V3 `jobs[]` entry; about one in six is delegated to a CFA (a partnership), one in
    five employers is handicap-engaged (private marker), a few offers are closed or expired."""
    domain = rng.choice(list(ROMES))
    code, label = rng.choice(ROMES[domain])
    level = rng.choice((3, 4, 5, 6, 7))
    partner = rng.choice(PARTNERS)
    created_at = today - timedelta(days=rng.randint(1, 50))
    # Upstream: an offer without an end date expires 60 days after creation.
    expires_at = created_at + timedelta(days=60)
    if n % 25 == 3:  # expired yesterday or earlier: the search no longer lists it
        expires_at = today - timedelta(days=rng.randint(1, 30))
    created = _iso(created_at)
    job_id = f"{0x6650000000000000 + n:024x}"
    return {
        "identifier": {"id": job_id, "partner_label": partner, "partner_job_id": f"P{n:07d}"},
        "workplace": _workplace(rng, dep, rng.choice(OPCOS)),
        "apply": {
            "url": f"https://apply.example/offre/{job_id}",
            "phone": None,
            "recipient_id": f"recipient_{n}",
        },
        "contract": {
            "start": "2026-09-01T00:00:00.000Z",
            "duration": rng.choice((12, 24, 36)),
            "type": ["Apprentissage"],
            "remote": rng.choice(("onsite", "onsite", "hybrid", "remote", None)),
        },
        "offer": {
            "title": f"Apprenti(e) {label.lower()}",
            "rome_codes": [code],
            "description": f"Rejoignez notre équipe pour apprendre le métier : {label}.",
            "target_diploma": {"european": str(level), "label": DIPLOMAS[level].title()},
            "desired_skills": rng.sample(SKILLS, rng.randint(1, 3)),
            "to_be_acquired_skills": [label, "Relation client"],
            "access_conditions": rng.sample(ACCESS, rng.randint(0, 2)),
            "publication": {"creation": created, "expiration": _iso(expires_at)},
            "opening_count": rng.choice((1, 1, 2)),
            "status": rng.choice(STATUSES),
        },
        "is_delegated": n % 6 == 0,
        shapes.HANDI_KEY: rng.random() < 0.2,
    }


def make_recruiter(rng: random.Random, n: int, dep: str) -> dict[str, Any]:
    """One V3 `recruiters[]` entry (algorithmic, "candidature spontanée")."""
    workplace = _workplace(rng, dep, rng.choice(OPCOS))
    return {
        "identifier": {"id": workplace["siret"]},
        "workplace": workplace,
        "apply": {
            "url": f"https://apply.example/entreprise/{workplace['siret']}",
            "phone": None,
            "recipient_id": None,
        },
        shapes.HANDI_KEY: rng.random() < 0.2,
    }


def v1_offer(job: dict[str, Any]) -> dict[str, Any]:
    """The V1 shape of a V3 job (`peJob`, `matcha` or `offres_emploi_partenaires`)."""
    wp, offer = job["workplace"], job["offer"]
    partner = job["identifier"]["partner_label"]
    idea = {"France Travail": "peJob", "offres_emploi_lba": "matcha"}.get(
        partner, "offres_emploi_partenaires"
    )
    lon, lat = wp["location"]["geopoint"]["coordinates"]
    address = wp["location"]["address"]
    return {
        "ideaType": idea,
        "id": job["identifier"]["id"],
        "title": offer["title"],
        "company": {
            "name": wp["name"],
            "siret": wp["siret"],
            "size": wp["size"],
            "mandataire": job["is_delegated"],
            "opco": {"label": wp["domain"]["opco"], "url": None},
            "elligibleHandicap": shapes.handi_engaged(job),
        },
        "contact": {"hasEmail": True, "url": job["apply"]["url"]},
        "job": {
            "id": job["identifier"]["id"],
            "creationDate": offer["publication"]["creation"],
            "description": offer["description"],
            "dureeContrat": f"{job['contract']['duration']} mois",
            "jobStartDate": job["contract"]["start"],
            "quantiteContrat": offer["opening_count"],
            "partner_label": partner,
            "status": "Active",
            "type": job["contract"]["type"],
        },
        "nafs": [wp["domain"]["naf"]],
        "place": {
            "distance": None,
            "fullAddress": address,
            "city": address.rsplit(" ", 1)[-1],
            "zipCode": address.split()[-2],
            "latitude": lat,
            "longitude": lon,
        },
        "romes": [{"code": c, "label": None} for c in offer["rome_codes"]],
        "diplomaLevel": DIPLOMA_LEVELS[int(offer["target_diploma"]["european"])],
    }


def v1_company(recruiter: dict[str, Any]) -> dict[str, Any]:
    """The V1 `lba` shape of a V3 recruiter."""
    wp = recruiter["workplace"]
    lon, lat = wp["location"]["geopoint"]["coordinates"]
    return {
        "ideaType": "lba",
        "title": wp["brand"] or wp["name"],
        "company": {
            "name": wp["legal_name"],
            "siret": wp["siret"],
            "size": wp["size"],
            "opco": {"label": wp["domain"]["opco"], "url": None},
            "elligibleHandicap": shapes.handi_engaged(recruiter),
        },
        "contact": {"hasEmail": False},
        "nafs": [wp["domain"]["naf"]],
        "place": {"distance": None, "fullAddress": wp["location"]["address"],
                  "latitude": lat, "longitude": lon},
        "applicationCount": 0,
    }  # fmt: skip


_DATASETS: dict[tuple[int, float], Dataset] = {}
_DATASETS_LOCK = threading.Lock()


def generate(seed: int = 2026, scale: float = 1.0) -> Dataset:
    """The full invented dataset for `seed` (cached: generation is deterministic)."""
    with _DATASETS_LOCK:
        cached = _DATASETS.get((seed, scale))
        if cached is not None:
            return cached
        rng = random.Random(seed)
        # Publication dates follow the clock (day precision) so offers stay unexpired.
        today = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
        formations, jobs, recruiters = [], [], []
        n = 0
        for dep, count in FORMATION_COUNTS.items():
            for i in range(int(count * scale)):
                heavy = HEAVY_DOMAIN.get(dep)
                domain = heavy if heavy and i % 5 < 3 else rng.choice(list(ROMES))
                formations.append(make_formation(rng, n, dep, domain))
                n += 1
        n = 0
        for dep, count in JOB_COUNTS.items():
            for _ in range(int(count * scale)):
                jobs.append(make_job(rng, n, dep, today))
                n += 1
        for dep, count in RECRUITER_COUNTS.items():
            for i in range(int(count * scale)):
                recruiters.append(make_recruiter(rng, i, dep))
        dataset = Dataset(formations, jobs, recruiters)
        _DATASETS[(seed, scale)] = dataset
        return dataset


# --- Queries ------------------------------------------------------------------------------


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def _codes(value: str | None) -> set[str]:
    return {c.strip().upper() for c in (value or "").split(",") if c.strip()}


@dataclass
class FakeState:
    """Mutable server state: data, call counters, rate windows; every access under `lock`."""

    seed: int = 2026
    formations: list[dict[str, Any]] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    recruiters: list[dict[str, Any]] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    api_keys: set[str] = field(default_factory=lambda: {"test-key"})
    rate_limits_enabled: bool = False
    export_last_update: str = "2026-11-22T02:00:00.000Z"
    lock: threading.RLock = field(default_factory=threading.RLock)
    appointments: AppointmentBook = field(default_factory=lambda: AppointmentBook())
    shapes: str = "2026"  # or "2024": the older item shapes (see shapes.py)
    # False answers `elligibleHandicapFilter=true` with everything, as the upstream's API code
    # path does at the time of writing (the filter is only applied by its own web search).
    handicap_filter_applied: bool = True

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        if not (self.formations or self.jobs or self.recruiters):
            data = generate(self.seed)
            # Shallow copies: mutations replace entries, never edit the cached dicts.
            self.formations = list(data.formations)
            self.jobs = list(data.jobs)
            self.recruiters = list(data.recruiters)

    # Mutations used by tests between two syncs.
    def remove_jobs(self, ids: Iterable[str]) -> int:
        wanted = set(ids)
        with self.lock:
            before = len(self.jobs)
            self.jobs = [j for j in self.jobs if j["identifier"]["id"] not in wanted]
            return before - len(self.jobs)

    def remove_recruiters(self, sirets: Iterable[str]) -> int:
        wanted = set(sirets)
        with self.lock:
            before = len(self.recruiters)
            self.recruiters = [r for r in self.recruiters if r["workplace"]["siret"] not in wanted]
            return before - len(self.recruiters)

    def remove_formations(self, keys: Iterable[str]) -> int:
        wanted = set(keys)
        with self.lock:
            before = len(self.formations)
            self.formations = [
                f for f in self.formations if f["cleMinistereEducatif"] not in wanted
            ]
            return before - len(self.formations)

    def add_jobs(self, jobs: Iterable[dict[str, Any]]) -> None:
        with self.lock:
            self.jobs.extend(jobs)

    def add_formations(self, formations: Iterable[dict[str, Any]]) -> None:
        with self.lock:
            self.formations.extend(formations)

    def update_job_title(self, job_id: str, title: str) -> None:
        with self.lock:
            for index, job in enumerate(self.jobs):
                if job["identifier"]["id"] == job_id:
                    self.jobs[index] = {**job, "offer": {**job["offer"], "title": title}}

    def count(self, route: str) -> int:
        with self.lock:
            return self.calls[route]

    # Read queries (params are the raw query strings).
    def _formation_filter(self, params: dict[str, str]) -> list[dict[str, Any]]:
        romes = _codes(params.get("romes"))
        domain = (params.get("romeDomain") or "").upper()
        diploma = params.get("diploma") or ""
        found = []
        for f in self.formations:
            codes = {r["code"] for r in f["romes"]}
            if romes and not codes & romes:
                continue
            if domain and not any(c.startswith(domain) for c in codes):
                continue
            if diploma and f["target_diploma_level"] != diploma:
                continue
            found.append(f)
        return found

    def _cap(self, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(found) <= FORMATIONS_CAP:
            return found
        return self.rng.sample(found, FORMATIONS_CAP)

    def formations_near(self, params: dict[str, str]) -> list[dict[str, Any]]:
        with self.lock:
            found = self._formation_filter(params)
            if params.get("latitude"):
                lat, lon = float(params["latitude"]), float(params["longitude"])
                radius = float(params.get("radius") or 30)
                near = []
                for f in found:
                    place = f["place"]
                    if place["latitude"] is None:
                        continue
                    d = distance_km(lat, lon, place["latitude"], place["longitude"])
                    if radius >= 20000 or d <= radius:
                        near.append({**f, "place": {**place, "distance": round(d, 1)}})
                near.sort(key=lambda f: f["place"]["distance"])
                found = near
            return self._cap(found)

    def formations_in(self, params: dict[str, str]) -> list[dict[str, Any]]:
        with self.lock:
            found = self._formation_filter(params)
            if params.get("departement"):
                found = [
                    f for f in found if f["place"]["departementNumber"] == params["departement"]
                ]
            elif params.get("region"):
                found = [f for f in found if f["place"]["region"] == params["region"]]
            return self._cap(found)

    def formation_by_id(self, key: str) -> dict[str, Any] | None:
        with self.lock:
            for f in self.formations:
                if f["cleMinistereEducatif"] == key or f["id"] == key:
                    return f
            return None

    def _in_area(self, wp: dict[str, Any], params: dict[str, str]) -> bool:
        deps = _codes(params.get("departements"))
        postcode = wp["location"]["address"].split()[-2]
        if deps and postcode[:2] not in deps:
            return False
        if params.get("latitude") and params.get("longitude"):
            lon, lat = wp["location"]["geopoint"]["coordinates"]
            radius = float(params.get("radius") or 30)
            d = distance_km(float(params["latitude"]), float(params["longitude"]), lat, lon)
            return d <= radius
        return True

    def jobs_search(self, params: dict[str, str]) -> dict[str, Any]:
        """The records `/v3/jobs/search` answers with (published by the handler): active and
        unexpired offers only; with `elligibleHandicapFilter=true`, engaged employers only."""
        romes = _codes(params.get("romes"))
        level = params.get("target_diploma_level")
        opco = params.get("opco")
        now = datetime.now(UTC)
        with self.lock:
            engaged_only = (
                params.get("elligibleHandicapFilter") == "true" and self.handicap_filter_applied
            )
            jobs = [
                j
                for j in self.jobs
                if shapes.searchable_job(j, now)
                and self._in_area(j["workplace"], params)
                and (not romes or set(j["offer"]["rome_codes"]) & romes)
                and (not level or j["offer"]["target_diploma"]["european"] == level)
                and (not opco or j["workplace"]["domain"]["opco"] == opco)
                and (not engaged_only or shapes.handi_engaged(j))
            ]
            recruiters = [
                r
                for r in self.recruiters
                if self._in_area(r["workplace"], params)
                and (not opco or r["workplace"]["domain"]["opco"] == opco)
                and (not engaged_only or shapes.handi_engaged(r))
            ]
        return {"jobs": jobs, "recruiters": recruiters, "warnings": []}

    def export_jobs(self) -> list[dict[str, Any]]:
        """The bulk export: active offers, as the upstream's export job selects them."""
        now = datetime.now(UTC)
        with self.lock:
            return [j for j in self.jobs if shapes.searchable_job(j, now)]


# --- RDV Apprentissage (appointment requests) ---------------------------------------------

RDV_REASONS = ("modalite", "place", "accompagnement", "frais", "contenu", "horaire", "debouche",
               "plus", "suivi", "lieu", "porte", "autre")  # fmt: skip
RDV_FIELDS = ("firstname", "lastname", "phone", "email", "type", "applicantMessageToCfa",
              "applicantReasons", "cleMinistereEducatif", "appointmentOrigin")  # fmt: skip
RDV_DUPLICATE_DAYS = 4


@dataclass
class AppointmentBook:
    """Appointments the fake accepted. Like the upstream, it reads no idempotency key: a
    repeated post is a new request (refused within 4 days); posts per key are only counted."""

    created: list[dict[str, Any]] = field(default_factory=list)
    requests_per_key: Counter[str] = field(default_factory=Counter)
    # Tests move the fake's clock to check the 4-day rule.
    now: Any = field(default_factory=lambda: _utc_now)

    def count(self, cle: str | None = None) -> int:
        """Appointments really created (refused posts are not counted)."""
        return sum(1 for a in self.created if cle is None or a["cle_ministere_educatif"] == cle)


def _utc_now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def rdv_eligible_keys(state: FakeState) -> list[str]:
    """`cleMinistereEducatif` of the trainings that take online requests (a `rdvContext`)."""
    with state.lock:
        return [
            f["cleMinistereEducatif"]
            for f in state.formations
            if f.get("rdvContext") and (f.get("contact") or {}).get("email")
        ]


def rdv_ineligible_keys(state: FakeState) -> list[str]:
    with state.lock:
        return [f["cleMinistereEducatif"] for f in state.formations if not f.get("rdvContext")]


def rdv_context(formation: dict[str, Any], referrer: str) -> dict[str, Any]:
    """The context route's answer for an eligible training."""
    from urllib.parse import quote

    key = formation["cleMinistereEducatif"]
    return {
        "etablissement_formateur_entreprise_raison_sociale": formation["company"]["name"],
        "etablissement_formateur_siret": formation["company"]["siret"],
        "intitule_long": formation["longTitle"],
        "lieu_formation_adresse": formation["place"]["address"],
        "code_postal": formation["place"]["zipCode"],
        "cfd": formation["cfd"],
        "localite": formation["place"]["city"],
        "id_rco_formation": None,
        "cle_ministere_educatif": key,
        "form_url": "https://labonnealternance.example/espace-pro/form"
        f"?referrer={referrer}&cleMinistereEducatif={quote(key, safe='')}",
    }


def create_appointment(
    state: FakeState, body: dict[str, Any], key: str
) -> tuple[int, dict[str, Any]]:
    """Business rules of the validate route once the body's shape is valid: an eligible
    training, one request per applicant e-mail and training every 4 days (`key`, the
    Idempotency-Key header a client may send, changes nothing, as upstream)."""
    from datetime import timedelta

    with state.lock:
        book = state.appointments
        book.requests_per_key[key] += 1
        cle = body["cleMinistereEducatif"]
        formation = state.formation_by_id(cle)
        now = book.now()
        if formation is None or not formation.get("rdvContext"):
            answer = (400, _boom(400, "Formation introuvable."))
        else:
            email = body["email"].lower()
            earlier = [
                a
                for a in book.created
                if a["email"] == email
                and a["cle_ministere_educatif"] == cle
                and a["_created"] >= now - timedelta(days=RDV_DUPLICATE_DAYS)
            ]
            if earlier:
                first = earlier[0]["_created"].strftime("%d/%m/%Y")
                answer = (
                    400,
                    _boom(
                        400,
                        f"Une demande de prise de RDV en date du {first} est actuellement en "
                        "cours de traitement.",
                    ),
                )
            else:
                appointment_id = f"{len(book.created) + 1:024x}"
                record = {
                    "_id": appointment_id,
                    "cle_ministere_educatif": cle,
                    "applicant_reasons": list(body["applicantReasons"]),
                    "applicant_message_to_cfa": body.get("applicantMessageToCfa"),
                    "appointment_origin": body["appointmentOrigin"],
                    "created_at": now.isoformat().replace("+00:00", "Z"),
                    "cfa_recipient_email": formation["contact"]["email"],
                }
                book.created.append({**record, "email": email, "_created": now})
                answer = (
                    200,
                    {"userId": f"{len(book.created):024x}", "appointment": record, "token": "t"},
                )
        return answer


def _boom(status: int, message: str) -> dict[str, Any]:
    names = {400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}
    return {"statusCode": status, "error": names.get(status, "Error"), "message": message}

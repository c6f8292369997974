"""A young person's search profile: mobility radius, diploma level aimed at, métiers; and the
search it fills in (« Chercher pour ce jeune »)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from lba_desktop.data import userstore
from lba_desktop.errors import InvalidInput
from lba_desktop.models import DEFAULT_RADIUS_KM, DIPLOMA_LEVELS, MAX_ROMES
from lba_desktop.parcours import check_mobility
from lba_desktop.people.records import Person

ROME_RE = re.compile(r"^[A-Z][0-9]{4}$")


@dataclass(frozen=True, slots=True)
class Profile:
    """What a counsellor knows of where a young person can go and what they aim at."""

    person_id: int
    mobility_km: int = DEFAULT_RADIUS_KM
    diploma_level: int | None = None  # None: « Indifférent »
    romes: tuple[str, ...] = ()
    updated_at: datetime | None = None

    @property
    def is_set(self) -> bool:
        return bool(self.romes)


@dataclass(frozen=True, slots=True)
class SearchFromProfile:
    """The search « Chercher pour ce jeune » fills in: home, métiers, radius, level."""

    lieu: str
    romes: tuple[str, ...]
    rayon: int
    niveau: int | None


def check_profile(
    *, mobility_km: int | None, diploma_level: int | None, romes: Iterable[str]
) -> tuple[int, int | None, tuple[str, ...]]:
    """Validated values, or `InvalidInput` in French (nothing is written)."""
    radius = check_mobility(mobility_km)
    if diploma_level is not None and diploma_level not in DIPLOMA_LEVELS:
        raise InvalidInput(
            f"Niveau visé invalide : {diploma_level}.",
            hint="Niveaux possibles : 3 (CAP), 4 (Bac), 5 (BTS), 6 (Licence), 7 (Master).",
        )
    codes = tuple(dict.fromkeys(r.strip().upper() for r in romes if r.strip()))
    bad = [c for c in codes if not ROME_RE.match(c)]
    if bad:
        raise InvalidInput(
            f"Code ROME invalide : « {bad[0]} ».", hint="Un code ROME s'écrit comme « D1102 »."
        )
    if len(codes) > MAX_ROMES:
        raise InvalidInput(f"Trop de métiers : {len(codes)} codes ROME, {MAX_ROMES} au plus.")
    return radius, diploma_level, codes


class Profiles:
    """Reads and writes profiles in the configured user store (the `person_profiles` table,
    erased and exported with the person like every table holding a `person_id`)."""

    def __init__(self, store: userstore.UserStore) -> None:
        self.store = store

    def get(self, person_id: int) -> Profile:
        rows = self.store.read(
            "SELECT mobility_km, diploma_level, romes, updated_at FROM person_profiles "
            "WHERE person_id = ?",
            (person_id,),
        )
        if not rows:
            return Profile(person_id=person_id)
        row = rows[0]
        return Profile(
            person_id=person_id,
            mobility_km=row["mobility_km"],
            diploma_level=row["diploma_level"],
            romes=tuple(row["romes"].split()),
            updated_at=datetime.fromisoformat(row["updated_at"]) if row["updated_at"] else None,
        )

    def all(self) -> dict[int, Profile]:
        """Every profile that names at least one métier, by person."""
        rows = self.store.read(
            "SELECT person_id, mobility_km, diploma_level, romes, updated_at FROM person_profiles "
            "WHERE romes != ''"
        )
        return {
            r["person_id"]: Profile(
                person_id=r["person_id"],
                mobility_km=r["mobility_km"],
                diploma_level=r["diploma_level"],
                romes=tuple(r["romes"].split()),
            )
            for r in rows
        }

    def save(
        self,
        person_id: int,
        *,
        mobility_km: int | None,
        diploma_level: int | None,
        romes: Iterable[str],
    ) -> Profile:
        radius, level, codes = check_profile(
            mobility_km=mobility_km, diploma_level=diploma_level, romes=romes
        )
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
        with self.store.transaction() as conn:
            if not conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchall():
                raise InvalidInput(f"Personne n° {person_id} introuvable.")
            conn.execute(
                "INSERT INTO person_profiles (person_id, mobility_km, diploma_level, romes, "
                "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET "
                "mobility_km = excluded.mobility_km, diploma_level = excluded.diploma_level, "
                "romes = excluded.romes, updated_at = excluded.updated_at",
                (person_id, radius, level, " ".join(codes), now),
            )
        return self.get(person_id)


def search_for(person: Person, profile: Profile) -> SearchFromProfile:
    """« Chercher pour ce jeune »: the search around home for the profile's métiers (messages
    name no one: they may reach a log)."""
    if not person.has_home:
        raise InvalidInput(
            "Ce jeune n'a pas de commune de domicile.",
            hint="Indiquez-la dans sa fiche pour chercher autour de chez lui ou elle.",
        )
    if not profile.romes:
        raise InvalidInput(
            "Aucun métier dans le profil de ce jeune.",
            hint="Ajoutez un ou plusieurs métiers à son profil.",
        )
    return SearchFromProfile(
        lieu=person.home_insee or person.home_label,
        romes=profile.romes,
        rayon=profile.mobility_km,
        niveau=profile.diploma_level,
    )

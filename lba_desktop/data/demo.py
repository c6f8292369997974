"""The deterministic, fictitious demo catalogue: its sizes, and the build that writes the
trainings (demo_trainings), companies, offers and partenariats (demo_companies) over the
shared ground of demo_world into a catalogue file."""

from __future__ import annotations

import itertools
import os
import random
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from lba_desktop.data.bulk import gc_paused
from lba_desktop.data.catalogue import CatalogueWriter
from lba_desktop.data.demo_companies import make_companies, make_offers
from lba_desktop.data.demo_insertion import DEMO_MILLESIME, write_demo_insertion
from lba_desktop.data.demo_trainings import make_trainings
from lba_desktop.data.demo_version import GENERATOR_VERSION
from lba_desktop.data.demo_world import DemoCompany, DemoWorld
from lba_desktop.data.storage import catalogue_error
from lba_desktop.models import Item, Kind

DEFAULT_SEED = 20261123
LABEL_FR = "Données de démonstration (fictives)"
CHUNK = 20_000

# Item counts per scale. "france" is the order of magnitude of the real service.
SCALES: dict[str, dict[Kind, int]] = {
    # Where counsellors search first (chefs-lieux and big cities, demo_hubs) every common
    # métier has trainings at each level it is taught at and offers; the rest is drawn.
    "demo": {
        Kind.FORMATION: 25_000,
        Kind.ENTREPRISE: 50_000,
        Kind.OFFRE: 18_000,
        Kind.PARTENARIAT: 2_000,
    },
    "france": {
        Kind.FORMATION: 60_000,
        Kind.ENTREPRISE: 350_000,
        Kind.OFFRE: 80_000,
        Kind.PARTENARIAT: 10_000,
    },
    # Twice france: how searches grow with the catalogue (bench_search --scale million).
    "million": {
        Kind.FORMATION: 120_000,
        Kind.ENTREPRISE: 700_000,
        Kind.OFFRE: 160_000,
        Kind.PARTENARIAT: 20_000,
    },
}


Report = Callable[[int, int, str], None]


# --- Building ----------------------------------------------------------------------------


@gc_paused()
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
    world = DemoWorld()
    # One generator per kind, so that changing one kind's count leaves the others unchanged.
    rngs = {kind: random.Random(f"{seed}:{kind.value}") for kind in Kind}
    picker = random.Random(f"{seed}:picks")
    n_companies = sizes[Kind.ENTREPRISE]
    # The hubs' companies come first and each posts one offer; the other offers and the
    # partenariats go to companies drawn among all.
    n_hub = min(len(world.hub_company_slots()), n_companies, sizes[Kind.OFFRE])
    offer_picks = [picker.randrange(n_companies) for _ in range(sizes[Kind.OFFRE] - n_hub)]
    partner_picks = [picker.randrange(n_companies) for _ in range(sizes[Kind.PARTENARIAT])]

    counts: Counter[Kind] = Counter()
    freshness: Counter[tuple[str, str]] = Counter()
    done = 0
    writer = CatalogueWriter(path, today=today)
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

        trainings = make_trainings(rngs[Kind.FORMATION], world, sizes[Kind.FORMATION], today)
        write(trainings, Kind.FORMATION)
        keep = set(range(n_hub)) | set(offer_picks) | set(partner_picks)
        companies = make_companies(rngs[Kind.ENTREPRISE], world, n_companies, today, keep)
        write(companies, Kind.ENTREPRISE)
        by_index: dict[int, DemoCompany] = dict(
            zip(sorted(keep), world.kept_companies, strict=True)
        )
        offer_rng = rngs[Kind.OFFRE]
        hub_companies = [by_index[i] for i in range(n_hub)]
        write(
            make_offers(offer_rng, world, hub_companies, today, Kind.OFFRE, main_rome=True),
            Kind.OFFRE,
        )
        drawn = [by_index[i] for i in offer_picks]
        write(make_offers(offer_rng, world, drawn, today, Kind.OFFRE), Kind.OFFRE)
        partners = [by_index[i] for i in partner_picks]
        write(
            make_offers(rngs[Kind.PARTENARIAT], world, partners, today, Kind.PARTENARIAT),
            Kind.PARTENARIAT,
        )

        write_demo_insertion(writer.conn, seed=seed)  # joined onto the trainings at finish()
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
                "inserjeunes_millesime": DEMO_MILLESIME,
                "inserjeunes_fictitious": "1",
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


# About what the demo catalogue takes on disk (measured: 117 MB at schema 10), for « disque
# plein ».
DEMO_CATALOGUE_BYTES = 120 * 1000 * 1000


def ensure_demo_catalogue(path: Path, *, scale: str = "demo", replace: bool = False) -> bool:
    """Build the demo catalogue at `path` unless a file is already there (or `replace`, for a
    demo catalogue of an older generator); True if it built.

    The file is built beside the target and renamed over it, so a killed build never leaves
    a half-written catalogue where the application looks for one, and the one being replaced
    stays whole until the new one is complete.
    """
    if path.exists() and not replace:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".building")
    try:
        build_demo_catalogue(staging, scale=scale)
        os.replace(staging, path)
    except (OSError, sqlite3.Error) as exc:  # a full disk on first start, most likely
        raise catalogue_error(exc, path=staging, needed=DEMO_CATALOGUE_BYTES) from exc
    finally:
        staging.unlink(missing_ok=True)
    return True

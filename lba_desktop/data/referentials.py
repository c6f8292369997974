"""Loaders for the referentials shipped in resources/ (communes, départements, régions, métiers)."""

from __future__ import annotations

import csv
import gzip
import io
from functools import lru_cache
from pathlib import Path

from lba_desktop.models import Arrondissement, Commune, Departement, Metier, Region, Sector
from lba_desktop.paths import resource

_OUTLINE_FILES = {
    "departement": "departements.geojson",
    "departements": "departements.geojson",
    "region": "regions.geojson",
    "regions": "regions.geojson",
}


def _rows(name: str) -> list[list[str]]:
    """Rows of a `;`-separated referential file, header left out."""
    text = resource("referentials", name).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    return rows[1:]


@lru_cache(maxsize=1)
def load_arrondissements() -> dict[str, Arrondissement]:
    """The arrondissements of Paris, Lyon and Marseille by postcode (75011 → Paris 11e)."""
    found = {}
    for postcode, insee, name, commune, lat, lon in _rows("arrondissements.csv"):
        # The source writes "Arrondissement" with a capital; French text does not.
        name = name.replace(" Arrondissement", " arrondissement")
        found[postcode] = Arrondissement(postcode, insee, name, commune, float(lat), float(lon))
    return found


@lru_cache(maxsize=1)
def load_communes() -> tuple[Commune, ...]:
    """Every commune (≈35k, overseas included), sorted by INSEE code."""
    text = gzip.decompress(resource("referentials", "communes.csv.gz").read_bytes()).decode()
    # A plain split is twice as fast as the csv module here, and safe: the builder refuses
    # names holding ";" or quotes, so no field is ever quoted.
    communes = []
    for line in text.splitlines()[1:]:
        insee, name, postcodes, departement, region, population, lat, lon = line.split(";")
        communes.append(
            Commune(
                insee,
                name,
                tuple(postcodes.split()),
                departement,
                region,
                int(population),
                float(lat),
                float(lon),
            )
        )
    return tuple(communes)


@lru_cache(maxsize=1)
def load_departements() -> dict[str, Departement]:
    """Départements by code ("01", "2A", "974"), in code order."""
    return {
        code: Departement(code, name, region) for code, name, region in _rows("departements.csv")
    }


@lru_cache(maxsize=1)
def load_regions() -> dict[str, Region]:
    """Régions by INSEE code, in code order."""
    return {code: Region(code, name) for code, name in _rows("regions.csv")}


@lru_cache(maxsize=1)
def load_metiers() -> tuple[Metier, ...]:
    """Every ROME métier, sorted by code, with the sector ids it belongs to."""
    return tuple(
        Metier(code, label, tuple(sectors.split())) for code, label, sectors in _rows("metiers.csv")
    )


@lru_cache(maxsize=1)
def load_sectors() -> tuple[Sector, ...]:
    """Sectors (NAF divisions) with the ROME codes of their métiers, in id order."""
    romes: dict[str, list[str]] = {}
    for metier in load_metiers():
        for sector_id in metier.sectors:
            romes.setdefault(sector_id, []).append(metier.code)
    return tuple(
        Sector(sector_id, label, tuple(romes.get(sector_id, ())))
        for sector_id, label in _rows("secteurs.csv")
    )


@lru_cache(maxsize=1)
def load_grands_domaines() -> dict[str, str]:
    """The 14 ROME grands domaines: letter → label."""
    return {letter: label for letter, label in _rows("grands_domaines.csv")}


def outline_path(level: str) -> Path:
    """GeoJSON outlines of the départements or régions ("departements" / "regions")."""
    try:
        return resource("geo", _OUTLINE_FILES[level])
    except KeyError:
        raise ValueError(f"unknown outline level {level!r}") from None

"""Invented InserJeunes rates for the demo catalogue, so the window shows them offline: each demo
CFA × diploma from CAP to BTS gets plausible figures (some too small to be published, the later
horizons not yet measured, as for a real latest cohort), its région and France the mean of
theirs. Every row is marked fictitious; the details and the PDF say so."""

from __future__ import annotations

import random
import sqlite3
import zlib
from collections import defaultdict

import orjson

from lba_desktop.data.insertion_store import MAX_LEVEL, replace_level
from lba_desktop.data.parsers.inserjeunes import (
    NOT_PUBLISHED,
    RATES,
    TOO_FEW,
    InsertionRow,
)
from lba_desktop.data.referentials import load_departements

DEMO_MILLESIME = "2023-2024"
# Usual first digits of a diploma code (CFD) per level: CAP 500…, Bac pro 400…, BTS 320….
_CFD_PREFIX = {3: "500", 4: "400", 5: "320"}
_TYPE = {3: "CAP", 4: "BAC PRO", 5: "BTS"}
# Typical levels of the real national figures per level (6 months, 12 months, further study,
# contracts broken), around which the demo draws.
_CENTRES = {3: (60, 67, 18, 30), 4: (66, 72, 30, 22), 5: (71, 78, 24, 17)}


def demo_cfd(title: str, level: int | None) -> str:
    """A stable, fictitious diploma code for a demo title (8 characters, as a CFD)."""
    prefix = _CFD_PREFIX.get(level or 0, "990")
    return f"{prefix}{zlib.crc32(title.encode('utf-8')) % 100_000:05d}"


def _draw(rng: random.Random, level: int) -> dict[str, float | None]:
    six, twelve, study, broken = _CENTRES[level]
    emploi_6 = max(20, min(95, round(rng.gauss(six, 9))))
    return {
        "emploi_6": float(emploi_6),
        "emploi_12": float(min(98, emploi_6 + max(0, round(rng.gauss(twelve - six, 3))))),
        "emploi_18": None,
        "emploi_24": None,
        "poursuite": float(max(2, min(70, round(rng.gauss(study, 7))))),
        "interruption": float(max(3, min(60, round(rng.gauss(broken, 6))))),
    }


def _mean(rows: list[dict[str, float | None]]) -> dict[str, float | None]:
    means: dict[str, float | None] = {}
    for name in RATES:
        values = [r[name] for r in rows if r.get(name) is not None]
        means[name] = round(sum(values) / len(values)) if values else None  # type: ignore[arg-type]
    return means


def _missing(rates: dict[str, float | None], reason: str) -> dict[str, str]:
    return {
        name: (NOT_PUBLISHED if name in ("emploi_18", "emploi_24") else reason)
        for name, value in rates.items()
        if value is None
    }


def write_demo_insertion(conn: sqlite3.Connection, *, seed: int) -> int:
    """Fill the insertion table from the demo trainings already written; returns CFA rows."""
    region_of = {code: dep.region for code, dep in load_departements().items()}
    cfa_rows: list[InsertionRow] = []
    drawn: dict[tuple[str, str], list[dict[str, float | None]]] = defaultdict(list)
    types: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for departement, level, raw in conn.execute(
        "SELECT departement, diploma_level, details FROM items WHERE kind = 'formation' "
        "AND diploma_level <= ? ORDER BY id",
        (MAX_LEVEL,),
    ):
        details = orjson.loads(raw) if raw else {}
        uai, cfd = str(details.get("uai") or ""), str(details.get("cfd") or "")
        if not uai or not cfd or (uai, cfd) in seen or level not in _TYPE:
            continue
        seen.add((uai, cfd))
        rng = random.Random(f"{seed}:insertion:{uai}:{cfd}")
        types[cfd] = level
        if rng.random() < 1 / 7:  # fewer than 20 leavers: nothing published for this CFA
            rates: dict[str, float | None] = dict.fromkeys(RATES)
            missing = _missing(rates, TOO_FEW)
        else:
            rates = _draw(rng, level)
            missing = _missing(rates, NOT_PUBLISHED)
            drawn[(region_of.get(departement or "", ""), cfd)].append(rates)
            drawn[("", cfd)].append(rates)
        cfa_rows.append(
            InsertionRow(
                level="etablissement",
                cfd=cfd,
                millesime=DEMO_MILLESIME,
                uai=uai,
                diploma_type=_TYPE[level],
                label=str(details.get("diploma") or ""),
                cfa=str(details.get("cfa") or ""),
                rates=rates,
                missing=missing,
            )
        )
    region_rows, national_rows = [], []
    for (region, cfd), rows in sorted(drawn.items()):
        rates = _mean(rows)
        row = InsertionRow(
            level="region" if region else "national",
            cfd=cfd,
            millesime=DEMO_MILLESIME,
            region=region,
            diploma_type=_TYPE[types[cfd]],
            rates=rates,
            missing=_missing(rates, NOT_PUBLISHED),
        )
        (region_rows if region else national_rows).append(row)
    replace_level(conn, "etablissement", cfa_rows, fictitious=True)
    replace_level(conn, "region", region_rows, fictitious=True)
    replace_level(conn, "national", national_rows, fictitious=True)
    return len(cfa_rows)

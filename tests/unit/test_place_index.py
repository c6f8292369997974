"""The place index kept in the data folder: the same places as the geocoder built in memory,
read without rebuilding, rebuilt when stale or damaged, and never in the way when the folder
cannot hold it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lba_desktop import geocoding
from lba_desktop.data.place_index import FILE_NAME
from lba_desktop.errors import LbaError
from lba_desktop.geocoding import default_geocoder, kept_geocoder

# What counsellors type: names with and without article or accents, homonyms, postcodes,
# INSEE codes, département numbers and names, régions, France, typos, nothing at all.
TYPED = [
    "Aurillac",
    "aurillac",
    "AURILLAC (15)",
    "Aurill",
    "Aurilac",
    "15000",
    "15014",
    "75015",
    "Paris",
    "Paris 15",
    "Lyon",
    "Saint-Denis",
    "Saint-Denis 93",
    "St Denis (974)",
    "Saint-Pierre, 974",
    "le pin",
    "Le Havre",
    "Havre",
    "Vergné",
    "Vienne",
    "Bretagne",
    "Bretagne (région)",
    "Cantal",
    "Cantal (département)",
    "(département 15)",
    "Seine-Saint-Denis",
    "La Réunion",
    "Corse-du-Sud",
    "2A",
    "2b",
    "974",
    "15",
    "9",
    "France",
    "toute la France",
    "Mamoudzou",
    "Xyzzyville",
    "99999",
    "",
    "   ",
]


def answer(geocoder: geocoding.Geocoder, text: str) -> object:
    """The place, or the error as the counsellor reads it (message and proposals)."""
    try:
        return geocoder.resolve(text)
    except LbaError as exc:
        return type(exc).__name__, exc.message, exc.hint, getattr(exc, "candidates", None)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


def test_the_kept_index_resolves_every_input_as_the_geocoder_in_memory(folder: Path):
    kept_geocoder(folder)  # writes the index
    assert (folder / FILE_NAME).exists()
    in_memory = default_geocoder()
    for text in TYPED:
        # A fresh reader each time: a typo builds the autocomplete tables in memory.
        from_file = kept_geocoder(folder)
        assert from_file is not in_memory
        assert answer(from_file, text) == answer(in_memory, text), text


def test_autocomplete_on_the_kept_index_proposes_the_same_places(folder: Path):
    kept_geocoder(folder)
    from_file = kept_geocoder(folder)
    for text in ("au", "saint", "750", "bre", "le p", "st d", "paris (75)"):
        assert from_file.candidates(text) == default_geocoder().candidates(text), text
    # Once built for autocomplete, exact answers still agree.
    assert from_file.resolve("Aurillac") == default_geocoder().resolve("Aurillac")


def test_tables_warmed_on_a_thread_while_autocomplete_asks_give_the_same_places(folder: Path):
    """The window builds the autocomplete's tables on a worker thread after its start; a
    keystroke meanwhile waits for them rather than building a second, half-seen copy."""
    import threading

    kept_geocoder(folder)
    from_file = kept_geocoder(folder)
    warming = threading.Thread(target=from_file.warm)
    warming.start()
    typed = from_file.candidates("saint")
    warming.join()
    assert typed == default_geocoder().candidates("saint")
    from_file.warm()  # a second call finds the tables there
    assert from_file.candidates("bre") == default_geocoder().candidates("bre")


def test_a_second_process_reads_the_index_without_folding_the_communes_again(
    folder: Path, monkeypatch: pytest.MonkeyPatch
):
    kept_geocoder(folder)

    def no_rebuild() -> None:
        raise AssertionError("the communes were loaded again")

    monkeypatch.setattr(geocoding, "load_communes", no_rebuild)
    place = kept_geocoder(folder).resolve("15000")
    assert (place.label, place.code) == ("Aurillac (15)", "15014")


def test_an_index_built_from_other_referentials_is_rebuilt(folder: Path):
    kept_geocoder(folder)
    with sqlite3.connect(folder / FILE_NAME) as conn:
        conn.execute("UPDATE meta SET value = 'other' WHERE name = 'source'")
        conn.execute("UPDATE communes SET name = 'Ailleurs'")
    conn.close()
    assert kept_geocoder(folder).resolve("Aurillac").code == "15014"
    with sqlite3.connect(folder / FILE_NAME) as conn:
        assert conn.execute("SELECT value FROM meta WHERE name = 'source'").fetchone()[0] != (
            "other"
        )
        assert conn.execute("SELECT name FROM communes WHERE insee = '15014'").fetchone() == (
            "Aurillac",
        )
    conn.close()


def test_a_damaged_index_is_replaced(folder: Path):
    (folder / FILE_NAME).write_bytes(b"not a database at all" * 100)
    assert kept_geocoder(folder).resolve("Cantal").code == "15"
    assert kept_geocoder(folder).resolve("Lyon").code == "69123"
    assert not list(folder.glob("*.building"))


def test_a_folder_that_cannot_hold_the_index_still_resolves(tmp_path: Path):
    missing = tmp_path / "a-file-not-a-folder"
    missing.write_text("x")
    assert kept_geocoder(missing).resolve("Aurillac").code == "15014"

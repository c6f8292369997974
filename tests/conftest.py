"""Shared test setup: an isolated data folder per test, Qt offscreen, one demo catalogue, one
PostgreSQL server for the tests of the shared store."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres import PgCluster

# Qt must never look for a display, and QtWebEngine as root needs these flags (DESIGN.md §3).
# The offscreen screen is a counsellor's laptop (1366 × 768), not Qt's default 800 × 800.
LAPTOP_SCREEN = Path(__file__).parent / "fixtures" / "offscreen-laptop.json"
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={LAPTOP_SCREEN}"
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

DEMO_TODAY = "2026-11-23"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder, so no test sees another's files or the user's."""
    home = tmp_path / "lba-home"
    home.mkdir()
    monkeypatch.setenv("LBA_DESKTOP_HOME", str(home))
    for var in (
        "LBA_API_URL",
        "LBA_API_APPRENTISSAGE_URL",
        "LBA_CALLER",
        "LBA_API_KEY",
        "LBA_USER_DB",
        "LBA_INSERJEUNES_DATASETS",
        "LBA_FORMATIONS_SOURCE",
        "LBA_API_FORMATIONS_URL",
    ):
        monkeypatch.delenv(var, raising=False)
    # Nothing listens there: a test that forgets the fake portal fails, never downloads.
    monkeypatch.setenv("LBA_INSERJEUNES_URL", "http://127.0.0.1:9/datasets")
    return home


@pytest.fixture(scope="session")
def demo_catalogue_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo-scale catalogue, built once for the whole run (a few seconds)."""
    from datetime import date

    from lba_desktop.data.demo import build_demo_catalogue

    path = tmp_path_factory.mktemp("demo") / "catalogue.sqlite"
    build_demo_catalogue(path, scale="demo", today=date.fromisoformat(DEMO_TODAY))
    return path


@pytest.fixture
def demo_home(isolated_home: Path, demo_catalogue_file: Path) -> Path:
    """A data folder holding a copy of the demo catalogue (tests may replace or damage it)."""
    shutil.copyfile(demo_catalogue_file, isolated_home / "catalogue.sqlite")
    return isolated_home


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A real PostgreSQL server for the whole run, in a temporary folder (started once)."""
    cluster = PgCluster()
    yield cluster
    cluster.close()


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> str:
    """The address of an empty database of its own for this test."""
    return pg_cluster.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def user_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test once on user.sqlite and once on a PostgreSQL database (LBA_USER_DB), so
    both stores pass the same tests."""
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        monkeypatch.setenv("LBA_USER_DB", url)
        return url
    monkeypatch.delenv("LBA_USER_DB", raising=False)
    return "sqlite"

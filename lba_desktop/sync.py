"""Sync orchestration: plan the upstream calls of a scope, run them resumably, then build, check
and swap in the new catalogue without ever damaging the current one."""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from lba_desktop import paths, training_source
from lba_desktop.data.apprentissage_client import ApprentissageClient, formations_base_url
from lba_desktop.data.catalogue import CatalogueWriter, now_iso, storage_error
from lba_desktop.data.http import RetryPolicy, Sleep
from lba_desktop.data.inserjeunes_client import InserJeunesClient
from lba_desktop.data.lba_client import LbaClient
from lba_desktop.data.parsers import Locate
from lba_desktop.data.referentials import load_departements
from lba_desktop.data.storage import LOW_SPACE, full_disk
from lba_desktop.data.sync_store import (
    MAX_RESUME_AGE_S,
    JournalEntry,
    ResumeStore,
    add_journal_entries,
    catalogue_breakdown,
    catalogue_meta,
    copy_kept_rows,
    read_journal,
    read_pending_journal,
    staging_breakdown,
    staging_sources,
)
from lba_desktop.errors import InvalidInput, LbaError, StorageFull
from lba_desktop.local_catalogue import swap_in
from lba_desktop.models import Item, Kind
from lba_desktop.settings_env import ApiSettings, read_api_settings
from lba_desktop.sync_fetch import (
    FORMATIONS_CAP,
    MAX_API_PAGES,
    UpstreamFetch,
    referential_locate,
    wrap_limiters,
)
from lba_desktop.sync_insertion import InsertionFetch, fetch_insertion, write_insertion
from lba_desktop.sync_plan import INSERJEUNES, SOURCES, SyncScope, make_scope
from lba_desktop.sync_report import Cancelled, Report, SyncCancelled, SyncReport

# Names read from here by the window, the CLI, the benches and the tests.
__all__ = [
    "FORMATIONS_CAP",
    "MAX_API_PAGES",
    "Cancelled",
    "Report",
    "SyncCancelled",
    "SyncReport",
    "SyncScope",
    "SyncService",
    "departement_choices",
    "describe_entry",
    "interrupted_sync",
    "last_sync",
    "make_scope",
    "referential_locate",
    "sync_label",
]

log = logging.getLogger(__name__)

# Freshness is kept per kind, named like the CLI's --types values.
FRESHNESS_SOURCE: dict[Kind, str] = {
    Kind.FORMATION: "formations",
    Kind.OFFRE: "offres",
    Kind.ENTREPRISE: "entreprises",
    Kind.PARTENARIAT: "partenariats",
}
CHUNK = 20_000

STATE_FILE = "sync-state.sqlite"
STAGING_SUFFIX = ".staging"


# --- Helpers ------------------------------------------------------------------------------------


def sync_label(today: datetime, departements: Iterable[str]) -> str:
    return f"Synchronisé le {today:%d/%m/%Y} pour {', '.join(sorted(departements))}"


def _dep_place(dep: str) -> str:
    found = load_departements().get(dep)
    return f"{found.name} ({dep})" if found else dep


# --- The service ----------------------------------------------------------------------------------


class SyncService:
    """Fills the catalogue from the upstream APIs for a scope; the same code serves CLI and GUI."""

    def __init__(
        self,
        *,
        lba: LbaClient,
        jobs: ApprentissageClient,
        inserjeunes: InserJeunesClient | None = None,
        formations_api: ApprentissageClient | None = None,
        catalogue_path: Path | None = None,
        state_path: Path | None = None,
        locate: Locate | None = referential_locate,
        writer_factory: Callable[[Path], CatalogueWriter] = CatalogueWriter,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.lba = lba
        self.jobs = jobs
        self.inserjeunes = inserjeunes
        # Given (with a key), trainings come from API Apprentissage (richer, no sample cap);
        # otherwise from LBA's V1 routes.
        self.formations_api = formations_api
        self.catalogue_path = catalogue_path or paths.catalogue_path()
        self.state_path = state_path or self.catalogue_path.parent / STATE_FILE
        self.locate = locate
        self.writer_factory = writer_factory
        self.now = now
        # Said in the report when trainings were asked from API Apprentissage without a key.
        self.formations_note = ""

    @classmethod
    def from_settings(
        cls,
        settings: ApiSettings | None = None,
        *,
        sleep: Sleep = time.sleep,
        timeout: tuple[float, float] = (5.0, 30.0),
        retry: RetryPolicy | None = None,
        trainings_api: bool | None = None,
        **kwargs: Any,
    ) -> SyncService:
        """Clients built from the settings (env vars by default). Trainings come from API
        Apprentissage when `trainings_api` says so, or, left None, whenever a key is set
        (LBA_FORMATIONS_SOURCE=v1 keeps them on V1); from V1 without a key."""
        s = settings or read_api_settings()
        if trainings_api is None:
            trainings_api = training_source.chosen_source(s.api_key) == training_source.API
        common: dict[str, Any] = {"sleep": sleep, "timeout": timeout, "retry": retry}
        lba = LbaClient(s.lba_url, s.caller, **common)
        jobs = ApprentissageClient(s.apprentissage_url, s.api_key, caller=s.caller, **common)
        # Its own timeouts: a whole file is longer to read than an API answer.
        inserjeunes = InserJeunesClient(s.inserjeunes_url, s.caller, sleep=sleep, retry=retry)
        kwargs.setdefault("inserjeunes", inserjeunes)
        formations_api = (
            ApprentissageClient(
                formations_base_url(s.apprentissage_url), s.api_key, caller=s.caller, **common
            )
            if s.api_key and trainings_api
            else None
        )
        service = cls(lba=lba, jobs=jobs, formations_api=formations_api, **kwargs)
        service.formations_note = training_source.without_key_note(s.api_key)
        return service

    # -- running

    def run(
        self,
        scope: SyncScope,
        *,
        report: Report | None = None,
        cancelled: Cancelled | None = None,
        restart: bool = False,
    ) -> SyncReport:
        """Sync `scope`; the current catalogue is only replaced by a complete, checked one."""
        result = SyncReport(scope=scope, started_at=now_iso())
        if "formations" in scope.sources:
            result.formations_source = (
                training_source.API if self.formations_api is not None else training_source.V1
            )
            if self.formations_note:
                result.warnings.append(self.formations_note)
        started = time.monotonic()
        report = report or (lambda done, total, label: None)
        cancelled = cancelled or (lambda: False)
        staging = self.catalogue_path.with_name(self.catalogue_path.name + STAGING_SUFFIX)
        staging.unlink(missing_ok=True)  # left by a killed run: never trusted
        restore = wrap_limiters(self.lba, result) + wrap_limiters(self.jobs, result)
        if self.inserjeunes is not None:
            restore += wrap_limiters(self.inserjeunes, result)
        if self.formations_api is not None:
            restore += wrap_limiters(self.formations_api, result)
        store: ResumeStore | None = None
        try:
            store = ResumeStore(self.state_path)
            store.begin(scope.key(), restart=restart)
            fetcher = UpstreamFetch(
                lba=self.lba, jobs=self.jobs, formations_api=self.formations_api, locate=self.locate
            )
            items, failed_pairs, explicit = fetcher.fetch(scope, store, result, report, cancelled)
            insertion = self._fetch_insertion(scope, result, report, cancelled)
            total = result.calls_made + result.calls_skipped + 1
            report(total - 1, total, "Écriture du nouveau catalogue")
            self._build(
                scope, staging, items, failed_pairs, explicit, store, result, cancelled, insertion
            )
            if cancelled():
                raise SyncCancelled
            swap_in(staging, self.catalogue_path)
            store.delete()
            store = None
            report(total, total, "Terminé")
        except SyncCancelled:
            result.status = "cancelled"
        except (LbaError, OSError, sqlite3.Error) as exc:
            result.status = "failed"
            failure = storage_error(exc, path=staging) if not isinstance(exc, LbaError) else exc
            if isinstance(failure, StorageFull):
                # Say how much a complete new catalogue needs, not what the last write lacked.
                failure = full_disk(staging, needed=self._space_needed(staging))
            result.failure = failure
            result.errors.append(f"{failure.message} {failure.hint}".strip())
        finally:
            for http, limiter in restore:
                http.limiter = limiter
            staging.unlink(missing_ok=True)
            result.ended_at = now_iso()
            result.duration_s = time.monotonic() - started
            if store is not None:
                if result.status != "ok":
                    self._journal_pending(store, result)
                store.close()
        log.info("sync %s: %s", result.status, result.summary_fr().splitlines()[0])
        return result

    def _space_needed(self, staging: Path) -> int:
        """About the bytes a sync needs: the new catalogue, as big as the current one or
        half again what was written before the disk filled, plus the resume state."""
        sizes = []
        for path in (self.catalogue_path, staging, self.state_path):
            try:
                sizes.append(path.stat().st_size)
            except OSError:
                sizes.append(0)
        current, written, state = sizes
        return max(current, int(written * 1.5)) + state + LOW_SPACE

    def _journal_pending(self, store: ResumeStore, result: SyncReport) -> None:
        # The catalogue is not touched by a sync that failed: its entry waits in the state file.
        try:
            store.add_journal(result.to_journal())
        except LbaError as exc:
            log.info("journal entry lost: %s", exc.message)

    def _fetch_insertion(
        self, scope: SyncScope, result: SyncReport, report: Report, cancelled: Cancelled
    ) -> InsertionFetch | None:
        """The InserJeunes files when the scope names them; None keeps the held rates."""
        if INSERJEUNES not in scope.sources:
            return None
        if self.inserjeunes is None:
            result.warnings.append("InserJeunes : aucune adresse configurée, taux non mis à jour.")
            return None
        done = result.calls_made + result.calls_skipped

        def step(label: str) -> None:
            report(done + fetched_calls[0], done + 4, label)
            fetched_calls[0] += 1

        fetched_calls = [0]
        fetched = fetch_insertion(self.inserjeunes, report=step, cancelled=cancelled)
        if cancelled():
            raise SyncCancelled
        result.calls_made += fetched.calls
        return fetched

    def _build(
        self,
        scope: SyncScope,
        staging: Path,
        items: list[Item],
        failed: set[tuple[Kind, str]],
        answered: set[tuple[Kind, str]],
        store: ResumeStore,
        result: SyncReport,
        cancelled: Cancelled,
        insertion: InsertionFetch | None = None,
    ) -> None:
        old = self._usable_previous(result)
        if old is None and not scope.replaced_pairs():
            # Rates alone over demo data (or no catalogue) would leave no training at all.
            raise InvalidInput(
                "Les taux InserJeunes s'ajoutent aux formations synchronisées : il n'y en a "
                "pas encore, rien n'a été modifié.",
                hint="Synchronisez aussi les formations (--sources formations,inserjeunes).",
            )
        before = catalogue_breakdown(old) if old else {}
        replaced = scope.replaced_pairs() - failed
        writer = self.writer_factory(staging)
        try:
            if old is not None:
                copy_kept_rows(
                    writer,
                    old,
                    replaced_items=[(k.value, d) for k, d in replaced],
                    replaced_freshness=[(FRESHNESS_SOURCE[k], d) for k, d in replaced],
                )
            for i in range(0, len(items), CHUNK):
                if cancelled():
                    raise SyncCancelled
                writer.add_items(items[i : i + CHUNK])
            received, insertion_warnings = write_insertion(writer, old, insertion)
            result.insertion_rows = received
            if insertion is not None:
                result.insertion_millesime = max(
                    (o.millesime for o in insertion.outcomes.values()), default=""
                )
            result.warnings.extend(insertion_warnings)
            after = staging_breakdown(writer)
            self._check_not_emptied(before, after, replaced, answered)
            when = now_iso()
            for kind, dep in sorted(replaced):
                n = after.get((kind.value, dep), 0)
                writer.set_freshness(FRESHNESS_SOURCE[kind], dep, when, n)
            for item in items:
                result.counts[item.kind] = result.counts.get(item.kind, 0) + 1
                per_dep = result.counts_by_departement.setdefault(
                    item.departement, {k: 0 for k in Kind}
                )
                per_dep[item.kind] += 1
            catalogue_counts = {k: 0 for k in Kind}
            for (kind, _dep), n in after.items():
                catalogue_counts[Kind(kind)] += n
            result.catalogue_counts = catalogue_counts
            # Kept rows included: a partial sync may leave other départements' V1 trainings.
            trainings = staging_sources(writer, Kind.FORMATION.value)
            deps = sorted(
                {
                    d
                    for _s, d, *_ in writer.conn.execute(
                        "SELECT source, departement FROM freshness"
                    )
                }
                | set(scope.departements)
            )
            today = self.now()
            result.status = "ok"
            result.ended_at = now_iso()
            add_journal_entries(writer, [*store.pending_journal(), result.to_journal()])
            writer.set_meta(
                {
                    "origin": "sync",
                    "label_fr": sync_label(today, deps),
                    "built_at": now_iso(),
                    "scope": json.dumps(scope.to_dict()),
                    "departements": json.dumps(deps),
                    "fictitious": "0",
                    training_source.META_KEY: json.dumps(trainings),
                }
            )
            writer.finish()
        except BaseException:
            if result.status == "ok":
                result.status = "running"
            writer.abort()
            raise

    def _usable_previous(self, result: SyncReport) -> Path | None:
        """The current catalogue if its rows may be kept: demo data is never mixed with real."""
        path = self.catalogue_path
        if not path.exists():
            return None
        try:
            meta = catalogue_meta(path)
        except Exception:  # an unreadable catalogue has nothing worth keeping
            result.warnings.append(
                "Le catalogue précédent était illisible : il est remplacé par les données reçues."
            )
            return None
        if meta.get("origin", "demo") == "demo" or meta.get("fictitious") == "1":
            result.demo_removed = True
            result.warnings.append(
                "Les données de démonstration (fictives) ont été retirées : le catalogue ne "
                "contient plus que les données synchronisées."
            )
            return None
        return path

    @staticmethod
    def _check_not_emptied(
        before: dict[tuple[str, str], int],
        after: dict[tuple[str, str], int],
        replaced: set[tuple[Kind, str]],
        answered: set[tuple[Kind, str]],
    ) -> None:
        for kind, dep in sorted(replaced):
            had = before.get((kind.value, dep), 0)
            if had and not after.get((kind.value, dep)) and (kind, dep) not in answered:
                raise LbaError(
                    f"La synchronisation aurait vidé les {kind.plural_fr.lower()} de "
                    f"{_dep_place(dep)} ({had} présentes) sans réponse claire du service : "
                    "rien n'a été modifié.",
                    hint="Réessayez plus tard.",
                )


# --- Reading back -------------------------------------------------------------------------------


def departement_choices() -> tuple[tuple[str, str], ...]:
    """(code, name) of every département a sync accepts, in code order (territory pickers)."""
    return tuple((code, dep.name) for code, dep in sorted(load_departements().items()))


def interrupted_sync(
    catalogue_path: Path | None = None, *, clock: Callable[[], float] = time.time
) -> tuple[SyncScope, int] | None:
    """The scope of the last sync if it stopped early and left calls to resume, with how many
    calls are already done; None when there is nothing to resume."""
    path = catalogue_path or paths.catalogue_path()
    state = path.parent / STATE_FILE
    entry = last_sync(path)
    if entry is None or entry.status == "ok" or not state.exists():
        return None
    try:
        scope = make_scope(
            departements=entry.scope.get("departements", []),
            sources=entry.scope.get("sources", SOURCES),
            romes=entry.scope.get("romes", []),
        )
    except InvalidInput:
        return None
    store = ResumeStore(state, clock=clock)
    try:
        # Read only: `begin()` would reset a state kept for another scope.
        rows = dict(store.conn.execute("SELECT key, value FROM state").fetchall())
        done = int(store.conn.execute("SELECT count(*) FROM calls").fetchone()[0])
    finally:
        store.close()
    started = rows.get("started")
    if rows.get("scope") != scope.key() or started is None or not done:
        return None
    if clock() - float(started) > MAX_RESUME_AGE_S:
        return None
    return scope, done


def last_sync(catalogue_path: Path | None = None) -> JournalEntry | None:
    """The most recent sync, whether it changed the catalogue or not."""
    path = catalogue_path or paths.catalogue_path()
    entries: list[JournalEntry] = read_pending_journal(path.parent / STATE_FILE)
    if path.exists():
        entries += read_journal(path, limit=1)
    return max(entries, key=lambda e: e.ended_at or e.started_at, default=None)


def describe_entry(entry: JournalEntry) -> str:
    """One French line about a journal entry."""
    status = {"ok": "réussie", "cancelled": "annulée", "failed": "échouée"}.get(
        entry.status, entry.status
    )
    deps = ", ".join(entry.scope.get("departements", []))
    line = (
        f"Dernière synchronisation ({deps}) : {status} le {entry.ended_at or entry.started_at}, "
        f"{entry.calls} appels, {entry.items} éléments reçus"
    )
    if entry.errors:
        line += f" — {entry.errors[0]}"
    elif entry.warnings:
        line += f" — {len(entry.warnings)} avertissement(s)"
    return line

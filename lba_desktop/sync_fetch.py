"""The upstream side of a sync: each call of the plan asked once (or read back from the resume
state), V1 trainings split below their sample cap, API Apprentissage pages queued, the jobs and
their handi pass, and the answers turned into items placed in their département."""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from functools import lru_cache
from typing import Any

from lba_desktop.data.apprentissage_client import ApprentissageClient
from lba_desktop.data.lba_client import LbaClient
from lba_desktop.data.parsers import (
    Locate,
    ParseOutcome,
    dedupe,
    parse_formations,
    parse_formations_api,
    parse_jobs_search,
)
from lba_desktop.data.referentials import load_communes
from lba_desktop.data.sync_store import ResumeStore
from lba_desktop.models import Item, Kind
from lba_desktop.sync_handi import HandiPass
from lba_desktop.sync_plan import (
    Call,
    SyncScope,
    company_romes,
    departement_circle,
    initial_calls,
    split_call,
)
from lba_desktop.sync_report import Cancelled, Report, SyncCancelled, SyncReport

FORMATIONS_CAP = 500  # upstream: beyond this many trainings an answer is a random sample
# API Apprentissage pages (1,000 trainings each) read per département and métier chunk at
# most: the largest département holds far fewer; a runaway page count stops here.
MAX_API_PAGES = 50
# Which kinds a failed sub-source of a jobs answer would have brought.
_JOBS_SUBSOURCE_KINDS = {"jobs": (Kind.OFFRE, Kind.PARTENARIAT), "recruiters": (Kind.ENTREPRISE,)}


@lru_cache(maxsize=1)
def _commune_points() -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    by_insee: dict[str, tuple[float, float]] = {}
    by_postcode: dict[str, tuple[float, float, int]] = {}
    for c in load_communes():
        by_insee[c.insee] = (c.lat, c.lon)
        for postcode in c.postcodes:
            # A postcode shared by several communes points at the most populated one.
            if postcode not in by_postcode or by_postcode[postcode][2] < c.population:
                by_postcode[postcode] = (c.lat, c.lon, c.population)
    return by_insee, {k: (v[0], v[1]) for k, v in by_postcode.items()}


def referential_locate(insee: str, postcode: str) -> tuple[float, float] | None:
    """The commune's point from its INSEE code, else from its postcode (shipped referential)."""
    by_insee, by_postcode = _commune_points()
    return by_insee.get(insee) or by_postcode.get(postcode)


class _Limiter:
    """Wraps a client's rate limiter to add up the time spent waiting on it."""

    def __init__(self, inner: Any, report: SyncReport) -> None:
        self.inner = inner
        self.report = report

    def acquire(self) -> float:
        waited = float(self.inner.acquire())
        self.report.rate_wait_s += waited
        return waited


def wrap_limiters(client: Any, report: SyncReport) -> list[tuple[Any, Any]]:
    """Count a client's rate-limit waits into `report`; returns what to put back after."""
    restore = []
    for http in vars(client).values():
        limiter = getattr(http, "limiter", None)
        if limiter is not None and hasattr(http, "get_json"):
            restore.append((http, limiter))
            http.limiter = _Limiter(limiter, report)
    return restore


class UpstreamFetch:
    """Runs a scope's calls against the clients; trainings come from API Apprentissage when
    `formations_api` is given, from LBA's V1 routes otherwise."""

    def __init__(
        self,
        *,
        lba: LbaClient,
        jobs: ApprentissageClient,
        formations_api: ApprentissageClient | None,
        locate: Locate | None,
    ) -> None:
        self.lba = lba
        self.jobs = jobs
        self.formations_api = formations_api
        self.locate = locate

    def fetch(
        self,
        scope: SyncScope,
        store: ResumeStore,
        result: SyncReport,
        report: Report,
        cancelled: Cancelled,
    ) -> tuple[list[Item], set[tuple[Kind, str]], set[tuple[Kind, str]]]:
        """Run the plan; returns the items, the (kind, dep) whose source failed somewhere, and
        the (kind, dep) for which the upstream answered properly (possibly with zero results)."""
        queue = deque(initial_calls(scope, trainings_api=self.formations_api is not None))
        done = 0
        items: list[Item] = []
        failed: set[tuple[Kind, str]] = set()
        answered: set[tuple[Kind, str]] = set()
        handi = HandiPass()
        while queue:
            if cancelled():
                raise SyncCancelled
            call = queue.popleft()
            total = done + len(queue) + 2  # this call, and writing the catalogue
            report(done, total, call.label())
            payload = store.finished(call.key())
            if payload is None:
                payload = self._request(call)
                store.record(call.key(), payload)
                result.calls_made += 1
            else:
                result.calls_skipped += 1
            done += 1
            if call.page is not None:
                outcome = self._api_page(call, payload, queue, result)
                if outcome is None:
                    failed.add((Kind.FORMATION, call.departement))
                    continue
                answered.add((Kind.FORMATION, call.departement))
            elif call.family == "formations":
                results = payload.get("results") if isinstance(payload, dict) else None
                if not isinstance(results, list):
                    failed.add((Kind.FORMATION, call.departement))
                    outcome = parse_formations(payload, locate=self.locate)
                    result.warnings.extend(
                        f"{w} ({call.label()}) : les formations déjà présentes sont gardées."
                        for w in outcome.warnings
                    )
                    continue
                if len(results) >= FORMATIONS_CAP:
                    narrower = split_call(call)
                    if narrower:
                        result.splits += 1
                        # Depth first: narrower calls run next, so resuming finds them early.
                        queue.extendleft(reversed(narrower))
                        continue
                    result.warnings.append(
                        f"{call.label()} : plus de {FORMATIONS_CAP} formations, "
                        "certaines peuvent manquer."
                    )
                outcome = parse_formations(payload, locate=self.locate)
                answered.add((Kind.FORMATION, call.departement))
            elif call.handi:
                outcome = parse_jobs_search(payload, locate=self.locate)
                body = payload if isinstance(payload, dict) else {}
                group = (call.departement, call.romes)
                if all(isinstance(body.get(name), list) for name in _JOBS_SUBSOURCE_KINDS):
                    handi.add_engaged(group, self._placed(outcome.items, call))
                else:
                    handi.fail(group)
                continue
            else:
                outcome = parse_jobs_search(payload, locate=self.locate)
                handi.add_plain((call.departement, call.romes), outcome.items)
                body = payload if isinstance(payload, dict) else {}
                for name, kinds in _JOBS_SUBSOURCE_KINDS.items():
                    part = body.get(name)
                    if isinstance(part, list):
                        answered.update((k, call.departement) for k in kinds)
                    else:
                        failed.update((k, call.departement) for k in kinds)
                if outcome.warnings:
                    result.warnings.extend(
                        f"{w} ({call.label()}) : les données déjà présentes de cette source "
                        "sont gardées."
                        if w.startswith("Source")
                        else f"{w} ({call.label()})"
                        for w in outcome.warnings
                    )
            result.unreadable += outcome.unreadable
            items.extend(self._placed(outcome.items, call))
        items, handi_warnings = handi.tag(items)
        result.warnings.extend(handi_warnings)
        return dedupe(items), failed, answered - failed

    def _api_page(
        self, call: Call, payload: Any, queue: deque[Call], result: SyncReport
    ) -> ParseOutcome | None:
        """One page of API Apprentissage trainings: the first queues the others; the circle
        around the département also reaches its neighbours, whose trainings are left out.
        None when the page is unreadable (that département keeps its trainings)."""
        body = payload if isinstance(payload, dict) else {}
        if not isinstance(body.get("data"), list):
            result.warnings.append(
                f"Réponse illisible ({call.label()}) : les formations déjà présentes sont gardées."
            )
            return None
        if call.page == 0:
            pages = body.get("pagination") if isinstance(body.get("pagination"), dict) else {}
            count = pages.get("page_count")
            count = count if isinstance(count, int) and not isinstance(count, bool) else 1
            if count > MAX_API_PAGES:
                result.warnings.append(
                    f"{call.label()} : plus de {MAX_API_PAGES} pages, les suivantes sont ignorées."
                )
            further = [replace(call, page=p) for p in range(1, min(count, MAX_API_PAGES))]
            queue.extendleft(reversed(further))
        outcome = parse_formations_api(body, locate=self.locate)
        mine = tuple(i for i in outcome.items if i.departement in ("", call.departement))
        return replace(outcome, items=mine)

    @staticmethod
    def _placed(found: tuple[Item, ...], call: Call) -> list[Item]:
        """An item the upstream gave for a département belongs to it unless it says more; a
        company gets the métiers of its sector (the jobs API lists none)."""
        placed = []
        for item in found:
            if not item.departement:
                item = replace(item, departement=call.departement)
            if item.kind is Kind.ENTREPRISE and not item.romes:
                item = replace(item, romes=company_romes(item, call.romes))
            placed.append(item)
        return placed

    def _request(self, call: Call) -> dict[str, Any]:
        if call.page is not None and self.formations_api is not None:
            lat, lon, radius = departement_circle(call.departement)
            return self.formations_api.formations_search(
                latitude=lat,
                longitude=lon,
                radius=radius,
                romes=list(call.romes) or None,
                page_index=call.page,
            )
        if call.family == "formations":
            return self.lba.formations_par_region(
                departement=call.departement,
                romes=list(call.romes) or None,
                rome_domain=None if call.romes else (call.domain or None),
                diploma=call.diploma,
            )
        return self.jobs.jobs_search(
            departements=[call.departement],
            romes=list(call.romes) or None,
            handi_engaged_only=call.handi,
        )

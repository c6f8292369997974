"""Client of the jobs API (V3, API Apprentissage key in `authorization`), returning raw JSON."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from typing import Any

import requests

from lba_desktop.data import upstream_validation as uv
from lba_desktop.data.http import (
    DEFAULT_TIMEOUT,
    RATE_JOBS,
    HttpClient,
    RetryPolicy,
    Sleep,
    UpstreamFailure,
    WrongParameters,
)
from lba_desktop.data.lba_client import DEFAULT_LBA_URL, romes_param

# The spec's `servers` list only the LBA host: the V3 routes are served under its /api.
DEFAULT_APPRENTISSAGE_URL = DEFAULT_LBA_URL
# The trainings search is API Apprentissage's own route, on its own host.
API_APPRENTISSAGE_URL = "https://api.apprentissage.beta.gouv.fr/api"


def formations_base_url(apprentissage_url: str) -> str:
    """Where `/formation/v1/search` is asked: LBA_API_FORMATIONS_URL, else a jobs URL set on
    purpose (a stand-in, a proxy), else API Apprentissage's host."""
    chosen = os.environ.get("LBA_API_FORMATIONS_URL")
    if chosen:
        return chosen
    if apprentissage_url and apprentissage_url.rstrip("/") != DEFAULT_APPRENTISSAGE_URL.rstrip("/"):
        return apprentissage_url
    return API_APPRENTISSAGE_URL


class ApprentissageClient:
    """`/v3/jobs/search`, `/v3/jobs/export` and the trainings' `/formation/v1/search` at
    5 calls/s; the key never reaches the logs."""

    def __init__(
        self,
        base_url: str = DEFAULT_APPRENTISSAGE_URL,
        api_key: str = "",
        *,
        caller: str = "",
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
        clock: Any = time.monotonic,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
    ) -> None:
        # The header is set per client, not on a shared session, so other clients never send it.
        headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = HttpClient(
            base_url,
            caller=caller,
            rate_per_second=RATE_JOBS,
            session=session,
            sleep=sleep,
            clock=clock,
            timeout=timeout,
            retry=retry,
            headers=headers,
        )

    @classmethod
    def from_environment(cls, **kwargs: Any) -> ApprentissageClient:
        """Base URL, key and caller from LBA_API_APPRENTISSAGE_URL / LBA_API_KEY / LBA_CALLER."""
        return cls(
            os.environ.get("LBA_API_APPRENTISSAGE_URL") or DEFAULT_APPRENTISSAGE_URL,
            os.environ.get("LBA_API_KEY", ""),
            caller=os.environ.get("LBA_CALLER", ""),
            **kwargs,
        )

    def jobs_search(
        self,
        latitude: float | None = None,
        longitude: float | None = None,
        radius: float | None = None,
        romes: Sequence[str] | str | None = None,
        departements: Sequence[str] | str | None = None,
        target_diploma_level: int | str | None = None,
        opco: str | None = None,
        *,
        handi_engaged_only: bool = False,
    ) -> dict[str, Any]:
        """`GET /v3/jobs/search`: `{jobs: [...], recruiters: [...], warnings: [...]}`. The items
        say nothing of handicap engagement: `handi_engaged_only` asks for the engaged
        employers alone (`elligibleHandicapFilter=true`)."""
        if isinstance(departements, str) or departements is None:
            deps = departements or None
        else:
            deps = ",".join(departements) or None
        params = {
            "latitude": latitude,
            "longitude": longitude,
            "radius": radius,
            "romes": romes_param(romes),
            "departements": deps,
            "target_diploma_level": (
                str(target_diploma_level) if target_diploma_level is not None else None
            ),
            "opco": opco or None,
            "elligibleHandicapFilter": "true" if handi_engaged_only else None,
        }
        errors = uv.validate_jobs_search(params)
        if errors:
            raise WrongParameters(errors)
        body = self._http.get_json("v3/jobs/search", params)
        if not isinstance(body, dict):
            raise UpstreamFailure("réponse inattendue")
        body.setdefault("jobs", [])
        body.setdefault("recruiters", [])
        body.setdefault("warnings", [])
        return body

    def formations_search(
        self,
        *,
        latitude: float,
        longitude: float,
        radius: float,
        romes: Sequence[str] | str | None = None,
        page_index: int = 0,
        page_size: int = uv.FORMATION_PAGE_MAX,
    ) -> dict[str, Any]:
        """`GET /formation/v1/search` (same key as the jobs): one page of the published
        trainings around a point, nearest first, `{data: [...], pagination: {page_count, …}}`.
        No sample cap: every page can be read."""
        params = {
            "latitude": latitude,
            "longitude": longitude,
            "radius": radius,
            "romes": romes_param(romes),
            "page_index": page_index,
            "page_size": page_size,
        }
        errors = uv.validate_formation_search(params)
        if errors:
            raise WrongParameters(errors)
        body = self._http.get_json("formation/v1/search", params)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise UpstreamFailure("réponse inattendue")
        return body

    def jobs_export(self) -> dict[str, Any]:
        """`GET /v3/jobs/export`: `{url, lastUpdate}` of the bulk export."""
        body = self._http.get_json("v3/jobs/export")
        if not isinstance(body, dict) or not body.get("url"):
            raise UpstreamFailure("réponse inattendue")
        return body

    def download_export(self, url: str) -> Any:
        """Download the bulk export at `url` and decode it (a JSON list of V3 jobs)."""
        content = self._http.get_bytes(url)
        try:
            return json.loads(content)
        except (ValueError, UnicodeDecodeError) as exc:
            raise UpstreamFailure("export illisible (JSON invalide)") from exc

"""Client of the public La Bonne Alternance API (trainings and métiers), returning raw JSON."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import requests

from lba_desktop.data import upstream_validation as uv
from lba_desktop.data.http import (
    DEFAULT_TIMEOUT,
    RATE_FORMATIONS,
    RATE_METIERS,
    HttpClient,
    RetryPolicy,
    Sleep,
    UpstreamFailure,
    WrongParameters,
)
from lba_desktop.models import DIPLOMA_LEVELS

DEFAULT_LBA_URL = "https://labonnealternance.apprentissage.beta.gouv.fr/api"


def diploma_param(diploma: int | str | None) -> str | None:
    """The upstream `diploma` string for a level 3..7 (or an upstream string kept as is)."""
    if diploma is None or diploma == "":
        return None
    if isinstance(diploma, int) and not isinstance(diploma, bool):
        return DIPLOMA_LEVELS.get(diploma, str(diploma))
    return str(diploma)


def romes_param(romes: Sequence[str] | str | None) -> str | None:
    if romes is None:
        return None
    if isinstance(romes, str):
        return romes or None
    return ",".join(romes) or None


class LbaClient:
    """`/v1/formations*` and `/v1/metiers*`; one rate limiter per route family (7/s and 20/s)."""

    def __init__(
        self,
        base_url: str = DEFAULT_LBA_URL,
        caller: str = "",
        *,
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
        clock: Any = time.monotonic,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.caller = caller
        session = session or requests.Session()
        common: dict[str, Any] = {
            "caller": caller,
            "session": session,
            "sleep": sleep,
            "clock": clock,
            "timeout": timeout,
            "retry": retry,
        }
        self._formations = HttpClient(base_url, rate_per_second=RATE_FORMATIONS, **common)
        self._metiers = HttpClient(base_url, rate_per_second=RATE_METIERS, **common)

    @classmethod
    def from_environment(cls, **kwargs: Any) -> LbaClient:
        """Base URL and caller from LBA_API_URL / LBA_CALLER, with the public defaults."""
        return cls(
            os.environ.get("LBA_API_URL") or DEFAULT_LBA_URL,
            os.environ.get("LBA_CALLER", ""),
            **kwargs,
        )

    def formations(
        self,
        romes: Sequence[str] | str,
        latitude: float,
        longitude: float,
        radius: float,
        diploma: int | str | None = None,
        *,
        with_description: bool = True,
    ) -> dict[str, Any]:
        """`GET /v1/formations` around a point: `{results: [Formation]}` (≤ 500, sampled).
        Since 2026 the training texts come only when asked for (`with_description`)."""
        params = {
            "romes": romes_param(romes),
            "latitude": latitude,
            "longitude": longitude,
            "radius": radius,
            "diploma": diploma_param(diploma),
            "caller": self.caller,
            "options": uv.WITH_DESCRIPTION if with_description else None,
        }
        return self._get(self._formations, "v1/formations", params, uv.validate_formations)

    def formations_par_region(
        self,
        departement: str | None = None,
        region: str | None = None,
        romes: Sequence[str] | str | None = None,
        rome_domain: str | None = None,
        diploma: int | str | None = None,
        *,
        with_description: bool = True,
    ) -> dict[str, Any]:
        """`GET /v1/formationsParRegion`: `{results: [Formation]}` (≤ 500, sampled), with the
        training texts unless `with_description` is false."""
        params = {
            "departement": departement,
            "region": region,
            "romes": romes_param(romes),
            "romeDomain": rome_domain,
            "diploma": diploma_param(diploma),
            "caller": self.caller,
            "options": uv.WITH_DESCRIPTION if with_description else None,
        }
        return self._get(
            self._formations, "v1/formationsParRegion", params, uv.validate_formations_par_region
        )

    def formation(self, formation_id: str) -> dict[str, Any]:
        """`GET /v1/formations/formation/{id}`: `{results: [Formation]}`."""
        errors = uv.validate_formation_id(formation_id)
        if errors:
            raise WrongParameters(errors)
        path = "v1/formations/formation/" + quote(formation_id, safe="")
        return self._get(self._formations, path, {"caller": self.caller}, None)

    def metiers(self, title: str) -> dict[str, Any]:
        """`GET /v1/metiers?title=`: `{labelsAndRomes: [{label, romes, …}]}`."""
        params = {"title": title, "caller": self.caller}
        return self._get(self._metiers, "v1/metiers", params, uv.validate_metiers)

    def metiers_all(self) -> dict[str, Any]:
        """`GET /v1/metiers/all`: `{metiers: [label, …]}`."""
        return self._get(self._metiers, "v1/metiers/all", {"caller": self.caller}, None)

    @staticmethod
    def _get(
        http: HttpClient,
        path: str,
        params: dict[str, Any],
        validate: Any,
    ) -> dict[str, Any]:
        # Refuse locally what the upstream would refuse: no call is spent on it.
        if validate is not None:
            errors = validate(params)
            if errors:
                raise WrongParameters(errors)
        body = http.get_json(path, params)
        if not isinstance(body, dict):
            raise UpstreamFailure("réponse inattendue")
        return body

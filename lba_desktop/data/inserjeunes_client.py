"""Client of the InserJeunes open data (data.education.gouv.fr, an Opendatasoft portal): the
CSV export of each file, parsed into rates. No key; one file per level (CFA × diploma, région ×
diploma, France × diploma)."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any

import requests

from lba_desktop.data.http import DEFAULT_TIMEOUT, HttpClient, RetryPolicy, Sleep, UpstreamFailure
from lba_desktop.data.parsers.inserjeunes import (
    InserJeunesFileError,
    InserJeunesOutcome,
    parse_inserjeunes_csv,
)
from lba_desktop.data.referentials import load_regions

DEFAULT_INSERJEUNES_URL = "https://data.education.gouv.fr/api/explore/v2.1/catalog/datasets"
# The CFA × diploma file is « InserJeunes apprentissage par CFA et formation fine (niveau CAP
# à BTS) »; the région and France files are the same indicators per diploma. Each identifier
# can be changed with LBA_INSERJEUNES_DATASETS="etablissement=…,region=…,national=…".
DATASETS: dict[str, str] = {
    "etablissement": "fr-en-inserjeunes-cfa-formation_fine",
    "region": "fr-en-inserjeunes-apprentissage-region-formation_fine",
    "national": "fr-en-inserjeunes-apprentissage-national-formation_fine",
}
RATE_PER_SECOND = 2.0  # three files per sync: a polite pace for a public portal
EXPORT_TIMEOUT: tuple[float, float] = (DEFAULT_TIMEOUT[0], 120.0)  # a whole file is a few MB


def datasets_from_environment(value: str | None = None) -> dict[str, str]:
    chosen = dict(DATASETS)
    text = os.environ.get("LBA_INSERJEUNES_DATASETS", "") if value is None else value
    for part in text.split(","):
        level, _, dataset = part.partition("=")
        if level.strip() in chosen and dataset.strip():
            chosen[level.strip()] = dataset.strip()
    return chosen


class InserJeunesClient:
    """Downloads and parses the three InserJeunes files."""

    def __init__(
        self,
        base_url: str = DEFAULT_INSERJEUNES_URL,
        caller: str = "",
        *,
        datasets: Mapping[str, str] | None = None,
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
        clock: Any = time.monotonic,
        timeout: tuple[float, float] = EXPORT_TIMEOUT,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.datasets = dict(datasets or datasets_from_environment())
        self._http = HttpClient(
            base_url,
            caller=caller,
            rate_per_second=RATE_PER_SECOND,
            session=session,
            sleep=sleep,
            clock=clock,
            timeout=timeout,
            retry=retry,
            headers={"Accept": "text/csv"},
        )

    def export_url(self, level: str) -> str:
        # `use_labels`: the header row carries the columns' labels, as the portal's own
        # « Export CSV » button gives them; the parser reads field names as well.
        return self._http.url(f"{self.datasets[level]}/exports/csv?delimiter=%3B&use_labels=true")

    def download(self, level: str) -> bytes:
        return self._http.get_bytes(self.export_url(level))

    def rates(self, level: str) -> InserJeunesOutcome:
        """One level's rows; `UpstreamFailure` (French) when the answer is not such a file."""
        content = self.download(level)
        try:
            return parse_inserjeunes_csv(
                content,
                level=level,
                regions={code: r.name for code, r in load_regions().items()},
            )
        except InserJeunesFileError as exc:
            raise UpstreamFailure(f"{exc} ({self.datasets[level]})") from exc

"""What a sync did, for the window, the CLI and the journal: counts, calls, warnings, errors,
and the French summary a counsellor reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lba_desktop.data.sync_store import JournalEntry
from lba_desktop.errors import LbaError
from lba_desktop.models import Kind
from lba_desktop.sync_plan import SyncScope

Report = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


class SyncCancelled(Exception):
    """The user asked to stop: raised between two calls, never in the middle of a write."""


@dataclass(slots=True)
class SyncReport:
    """What a sync did; `summary_fr()` is what the user reads."""

    scope: SyncScope
    status: str = "running"  # "ok", "cancelled", "failed"
    counts: dict[Kind, int] = field(default_factory=lambda: {k: 0 for k in Kind})
    counts_by_departement: dict[str, dict[Kind, int]] = field(default_factory=dict)
    catalogue_counts: dict[Kind, int] = field(default_factory=dict)
    calls_made: int = 0
    calls_skipped: int = 0  # finished by an interrupted run and resumed from its state
    unreadable: int = 0  # upstream records no parser could read: skipped, the rest kept
    splits: int = 0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    started_at: str = ""
    ended_at: str = ""
    duration_s: float = 0.0
    rate_wait_s: float = 0.0  # time spent waiting on the client rate limiters
    demo_removed: bool = False  # the previous catalogue was demo data, now gone
    insertion_rows: dict[str, int] = field(default_factory=dict)  # InserJeunes rows per level
    insertion_millesime: str = ""
    formations_source: str = ""  # "api-apprentissage" or "v1" when trainings were asked
    # The typed failure behind `errors`, so a window can show its message and hint apart.
    failure: LbaError | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def items(self) -> int:
        return sum(self.counts.values())

    def summary_fr(self) -> str:
        deps = ", ".join(self.scope.departements)
        head = {
            "ok": f"Synchronisation terminée pour {deps}",
            "cancelled": f"Synchronisation annulée pour {deps} : le catalogue n'a pas changé",
            "failed": f"Synchronisation échouée pour {deps} : le catalogue n'a pas changé",
        }.get(self.status, f"Synchronisation en cours pour {deps}")
        lines = [f"{head} ({self.duration_s:.1f} s)."]
        if self.status == "ok":
            lines.append(
                "Reçus : "
                + ", ".join(f"{k.plural_fr.lower()} {self.counts.get(k, 0)}" for k in Kind)
                + "."
            )
        if self.status == "ok" and self.formations_source:
            lines.append(
                "Formations lues sur "
                + (
                    "API Apprentissage."
                    if self.formations_source == "api-apprentissage"
                    else "La bonne alternance (V1)."
                )
            )
        if self.status == "ok" and self.insertion_rows:
            lines.append(
                "Taux d'insertion InserJeunes : "
                f"{self.insertion_rows.get('etablissement', 0)} CFA × diplôme, "
                f"{self.insertion_rows.get('region', 0)} région × diplôme, "
                f"{self.insertion_rows.get('national', 0)} diplômes en France"
                + (f" (cumul {self.insertion_millesime})." if self.insertion_millesime else ".")
            )
        calls = f"Appels au service : {self.calls_made}"
        if self.calls_skipped:
            calls += f" (+ {self.calls_skipped} repris d'une synchronisation interrompue)"
        lines.append(calls + ".")
        if self.status in ("cancelled", "failed") and self.calls_made + self.calls_skipped:
            lines.append(
                "Relancez la même synchronisation : les appels déjà terminés ne seront pas refaits."
            )
        if self.unreadable:
            lines.append(
                f"Attention : {self.unreadable} enregistrement(s) illisible(s) du service "
                "ignoré(s), le reste de leurs réponses est gardé."
            )
        lines += [f"Attention : {w}" for w in self.warnings]
        lines += [f"Erreur : {e}" for e in self.errors]
        return "\n".join(lines)

    def to_journal(self) -> JournalEntry:
        return JournalEntry(
            started_at=self.started_at,
            ended_at=self.ended_at,
            scope=self.scope.to_dict(),
            status=self.status,
            calls=self.calls_made + self.calls_skipped,
            items=self.items,
            warnings=tuple(self.warnings),
            errors=tuple(self.errors),
            summary={
                "counts": {k.value: n for k, n in self.counts.items()},
                "calls_made": self.calls_made,
                "calls_skipped": self.calls_skipped,
                "unreadable": self.unreadable,
                "duration_s": round(self.duration_s, 2),
            },
        )

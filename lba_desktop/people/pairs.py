"""« Parcours » in a shortlist: a training and an employer saved together as one entry."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from lba_desktop.data.userstore import StoreConnection
from lba_desktop.errors import InvalidInput
from lba_desktop.geo import distance_km as great_circle_km
from lba_desktop.models import Item, Kind
from lba_desktop.people.records import Person, ShortlistEntry, ShortlistStatus

PARCOURS_FR = "Parcours"


@dataclass(frozen=True, slots=True)
class ShortlistLine:
    """What a shortlist shows on one line: one entry, or a parcours (its training in `entry`,
    its employer in `employer`), each side with its own status, note and availability."""

    entry: ShortlistEntry
    employer: ShortlistEntry | None = None

    @property
    def is_pair(self) -> bool:
        return self.employer is not None

    @property
    def entries(self) -> tuple[ShortlistEntry, ...]:
        return (self.entry,) if self.employer is None else (self.entry, self.employer)

    @property
    def employer_to_training_km(self) -> float | None:
        """Between the CFA and the workplace, as the crow flies (both points known)."""
        a, b = self.entry, self.employer
        if b is None or not (a.has_position and b.has_position):
            return None
        assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
        return round(great_circle_km(a.lat, a.lon, b.lat, b.lon), 1)

    @property
    def travel_km(self) -> float | None:
        """Home → CFA plus home → employer, what the young person would travel."""
        if self.employer is None:
            return self.entry.distance_km
        if self.entry.distance_km is None or self.employer.distance_km is None:
            return None
        return round(self.entry.distance_km + self.employer.distance_km, 1)

    @property
    def available(self) -> bool:
        return all(e.available for e in self.entries)


def shortlist_lines(entries: Sequence[ShortlistEntry]) -> list[ShortlistLine]:
    """The lines of a shortlist, in its order: an employer paired with a training shows with
    it, at the training's place (a training with two employers gives two parcours)."""
    by_id = {e.id: e for e in entries}
    employers: dict[int, list[ShortlistEntry]] = {}
    for e in entries:
        if e.paired_training_entry_id in by_id:
            employers.setdefault(e.paired_training_entry_id, []).append(e)
    lines: list[ShortlistLine] = []
    for e in sorted(entries, key=lambda e: (e.position, e.id)):
        if e.paired_training_entry_id in by_id:
            continue  # shown with its training
        paired = employers.get(e.id)
        if paired:
            lines.extend(ShortlistLine(e, p) for p in sorted(paired, key=lambda p: p.position))
        else:
            lines.append(ShortlistLine(e))
    return lines


def flatten(lines: Iterable[ShortlistLine]) -> tuple[ShortlistEntry, ...]:
    """Every entry of the lines once (a training shared by two parcours counts once)."""
    seen: dict[int, ShortlistEntry] = {}
    for line in lines:
        for entry in line.entries:
            seen.setdefault(entry.id, entry)
    return tuple(seen.values())


class PairMethods:
    """Mixed into `PeopleService`: add a parcours, take it out of the shortlist."""

    counsellor: str
    _now: Callable[[], str]
    _tx: Callable[[], AbstractContextManager[StoreConnection]]
    _read: Callable[[str, Sequence[Any]], list[Any]]
    _touch: Callable[[StoreConnection, int], None]
    add_to_shortlist: Callable[..., tuple[ShortlistEntry, bool]]
    get_person: Callable[[int], Person]
    _insert_entry: Callable[..., tuple[int, bool]]
    get_entry: Callable[[int], ShortlistEntry]
    shortlist: Callable[[int], list[ShortlistEntry]]
    remove_from_shortlist: Callable[[int], None]

    def shortlist_lines(self, person_id: int) -> list[ShortlistLine]:
        return shortlist_lines(self.shortlist(person_id))

    def add_pair_to_shortlist(
        self,
        person_id: int,
        *,
        training: Item,
        employer: Item,
        status: ShortlistStatus = ShortlistStatus.A_ETUDIER,
    ) -> tuple[ShortlistLine, bool]:
        """Save a training and an employer as one parcours. A side already in the shortlist
        keeps its line (status, note); returns (line, created) — created is False when the
        parcours was already there. Refused, with nothing written, when the employer is
        already in a parcours with another training."""
        if training.kind is not Kind.FORMATION:
            raise InvalidInput("Un parcours associe une formation à un employeur.")
        if employer.kind is Kind.FORMATION:
            raise InvalidInput(
                "L'employeur d'un parcours est une offre, une entreprise ou un partenariat."
            )
        person = self.get_person(person_id)
        # One transaction: the two sides and their link are written together or not at all
        # (a failure in between would leave two lines that look unrelated).
        with self._tx() as conn:
            known = conn.execute(
                "SELECT * FROM shortlist_items WHERE person_id = ? AND kind = ? AND item_id = ?",
                (person_id, employer.kind.value, employer.id),
            ).fetchone()
            partner = None
            if known is not None and known["paired_training_entry_id"] is not None:
                partner = conn.execute(
                    "SELECT id, item_id, title FROM shortlist_items WHERE id = ?",
                    (known["paired_training_entry_id"],),
                ).fetchone()
            if partner is not None:
                if partner["item_id"] == training.id:
                    head_id, side_id, created = int(partner["id"]), int(known["id"]), False
                else:
                    raise InvalidInput(
                        f"« {employer.title} » est déjà dans un parcours avec "
                        f"« {partner['title']} ».",
                        hint="Retirez d'abord ce parcours de la sélection.",
                    )
            else:
                head_id, _ = self._insert_entry(conn, person, training, status=status)
                side_id, _ = self._insert_entry(conn, person, employer, status=status)
                conn.execute(
                    "UPDATE shortlist_items SET paired_training_entry_id = ?, updated_at = ?, "
                    "updated_by = ?, version = version + 1 WHERE id = ?",
                    (head_id, self._now(), self.counsellor, side_id),
                )
                self._touch(conn, person_id)
                created = True
        return ShortlistLine(self.get_entry(head_id), self.get_entry(side_id)), created

    def remove_line(self, line: ShortlistLine) -> None:
        """Take a line out: a parcours removes its employer, and its training unless the
        training goes with another employer too."""
        if line.employer is None:
            self.remove_from_shortlist(line.entry.id)
            return
        self.remove_from_shortlist(line.employer.id)
        others = self._read(
            "SELECT count(*) FROM shortlist_items WHERE paired_training_entry_id = ?",
            (line.entry.id,),
        )
        if not others[0][0]:
            self.remove_from_shortlist(line.entry.id)

"""The people list read a page at a time (keyset on the last activity), on user.sqlite and on
PostgreSQL: every person once, in the list's order, with a search, across changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lba_desktop.people import PeopleService
from lba_desktop.people.records import PeoplePage

pytestmark = pytest.mark.usefixtures("user_backend")


def fill(people: PeopleService, count: int) -> None:
    """`count` people, several sharing one activity time (the id breaks the tie)."""
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    rows = []
    for n in range(count):
        when = (start + timedelta(minutes=n // 3)).isoformat()
        name = "Martin" if n % 2 else "Durand"
        rows.append((f"Jeune{n}", name, f"jeune{n} {name.lower()}", when, when, when))
    with people.store.transaction() as conn:
        conn.executemany(
            "INSERT INTO people (first_name, last_name, search_key, created_at, "
            "last_activity_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )


def all_pages(people: PeopleService, text: str = "", limit: int = 7) -> list[PeoplePage]:
    pages = [people.people_page(text, limit=limit)]
    while pages[-1].next_key is not None:
        pages.append(people.people_page(text, after=pages[-1].next_key, limit=limit))
    return pages


def test_pages_give_everyone_once_in_the_lists_order() -> None:
    with PeopleService(counsellor="Anne") as people:
        fill(people, 50)
        whole = people.search_people()
        pages = all_pages(people)
        assert [len(p.people) for p in pages] == [7] * 7 + [1]
        assert [p.id for page in pages for p in page.people] == [p.id for p in whole]
        assert pages[0].people[0] == whole[0]  # the same records, count included

        martins = all_pages(people, "martin", limit=10)
        assert [p.id for page in martins for p in page.people] == [
            p.id for p in people.search_people("martin")
        ]
        assert len(martins) == 3 and martins[-1].next_key is None
        assert people.people_page("personne").people == []


def test_a_change_between_two_pages_repeats_and_skips_nobody_who_did_not_move() -> None:
    with PeopleService(counsellor="Anne") as people:
        fill(people, 30)
        first = people.people_page(limit=10)
        # A colleague works on someone further down: they go to the top of the list.
        moved = people.search_people()[25]
        people.update_person(moved.id, notes="Vu ce matin")
        rest = all_pages(people, limit=10)
        second = people.people_page(after=first.next_key, limit=100)
        seen = [p.id for p in first.people] + [p.id for p in second.people]
        assert len(seen) == len(set(seen))  # nobody twice
        assert set(seen) | {moved.id} == {p.id for page in rest for p in page.people}

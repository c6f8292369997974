"""Young people followed by a counsellor and their shortlists: records and the service."""

from lba_desktop.people.pairs import ShortlistLine, shortlist_lines
from lba_desktop.people.records import (
    MAX_NAME,
    MAX_NOTE,
    STATUS_LABELS_FR,
    STATUS_NEXT_STEPS_FR,
    Person,
    PersonNotFound,
    ShortlistEntry,
    ShortlistStatus,
    months_before,
    normalise_email,
    normalise_phone,
)
from lba_desktop.people.service import PeopleService, where_people_are_kept

__all__ = [
    "MAX_NAME",
    "MAX_NOTE",
    "STATUS_LABELS_FR",
    "STATUS_NEXT_STEPS_FR",
    "PeopleService",
    "Person",
    "PersonNotFound",
    "ShortlistEntry",
    "ShortlistLine",
    "ShortlistStatus",
    "months_before",
    "normalise_email",
    "normalise_phone",
    "shortlist_lines",
    "where_people_are_kept",
]

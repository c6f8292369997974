"""The server away: the last copy of the counsellor's young people, read-only, and the notes
and statuses typed meanwhile, sent when the server is back (a real PostgreSQL, stopped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lba_desktop.data.userstore import ServerAway
from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService, ShortlistStatus
from lba_desktop.people.offline import CONFLICT, LocalCopy, ReadOnlyWhileAway
from tests.postgres import PgCluster


def cap(n: int) -> Item:
    return Item(Kind.FORMATION, f"F{n}", title=f"CAP n° {n}", organisation="CFA du Cantal")


def test_while_away_my_people_read_and_notes_wait_for_the_server(
    pg_cluster: PgCluster, tmp_path: Path
) -> None:
    url = pg_cluster.new_database()
    with (
        PeopleService(url, counsellor="Anne") as anne,
        PeopleService(url, counsellor="Bruno") as bruno,
    ):
        lea = anne.create_person(first_name="Léa", last_name="Martin")
        line, _ = anne.add_to_shortlist(lea.id, item=cap(1))
        bruno.create_person(first_name="Tom")  # Bruno's: not copied on Anne's computer
        copy = LocalCopy(tmp_path / "copie.sqlite")
        assert copy.refresh(anne) == 1

        pg_cluster.stop()
        try:
            with pytest.raises(ServerAway, match="ne répond pas"):
                anne.search_people()
            offline = copy.people_service(counsellor="Anne", where="serveur de test")
            assert [p.display_name for p in offline.search_people()] == [lea.display_name]
            # The timeline reads too.
            assert [e.kind.value for e in offline.journal(lea.id)][:2] == [
                "fiche_creee",
                "ajout_selection",
            ]
            with pytest.raises(ReadOnlyWhileAway, match="lecture seule"):
                offline.create_person(first_name="Zoé")
            with pytest.raises(ReadOnlyWhileAway):
                offline.add_to_shortlist(lea.id, item=cap(2))
            shown = offline.shortlist(lea.id)[0]
            shown = offline.set_status(line.id, ShortlistStatus.CONTACTE, base=shown)
            offline.set_note(line.id, "Appeler lundi", base=shown)
            assert offline.get_entry(line.id).note == "Appeler lundi"
            offline.close()
            # Kept on disk: a restart of the application while away loses nothing.
            assert {e.field for e in LocalCopy(copy.path).pending()} == {"note", "status"}
        finally:
            pg_cluster.start()

        report = copy.replay(anne)
        assert (report.applied, report.conflicts, report.gone) == (2, [], [])
        saved = anne.get_entry(line.id)
        assert (saved.status, saved.note, saved.updated_by) == (
            ShortlistStatus.CONTACTE,
            "Appeler lundi",
            "Anne",
        )
        assert any("Contacté" in e.summary for e in anne.journal(lea.id))
        assert copy.pending() == []
        copy.close()


def test_a_line_changed_on_the_server_meanwhile_waits_for_a_decision(
    pg_url: str, tmp_path: Path
) -> None:
    with (
        PeopleService(pg_url, counsellor="Anne") as anne,
        PeopleService(pg_url, counsellor="Bruno") as bruno,
    ):
        lea = anne.create_person(first_name="Léa")
        line, _ = anne.add_to_shortlist(lea.id, item=cap(1))
        copy = LocalCopy(tmp_path / "copie.sqlite")
        copy.refresh(anne)
        offline = copy.people_service(counsellor="Anne", where="serveur de test")
        offline.set_note(line.id, "Sa version à elle")
        bruno.set_note(line.id, "Celle de Bruno")

        report = copy.replay(anne)
        assert report.applied == 0
        ((edit, conflict),) = report.conflicts
        assert conflict.by == "Bruno" and "note" in conflict.fields
        assert conflict.theirs.note == "Celle de Bruno" and edit.value == "Sa version à elle"
        assert anne.get_entry(line.id).note == "Celle de Bruno"  # nothing overwritten
        assert [e.state for e in copy.pending()] == [CONFLICT]
        # Still there at the next refresh, still to decide.
        copy.refresh(anne)
        ((edit, conflict),) = copy.conflicts(anne)

        copy.keep_mine(edit, anne, conflict.theirs)
        assert anne.get_entry(line.id).note == "Sa version à elle"
        assert copy.pending() == []
        copy.close()
        offline.close()


def test_the_colleagues_version_can_be_kept_and_the_same_value_is_no_conflict(
    pg_url: str, tmp_path: Path
) -> None:
    with (
        PeopleService(pg_url, counsellor="Anne") as anne,
        PeopleService(pg_url, counsellor="Bruno") as bruno,
    ):
        lea = anne.create_person(first_name="Léa")
        first, _ = anne.add_to_shortlist(lea.id, item=cap(1))
        second, _ = anne.add_to_shortlist(lea.id, item=cap(2))
        copy = LocalCopy(tmp_path / "copie.sqlite")
        copy.refresh(anne)
        offline = copy.people_service(counsellor="Anne", where="serveur de test")
        offline.set_note(first.id, "Mine")
        offline.set_status(second.id, ShortlistStatus.CANDIDATURE_ENVOYEE)
        bruno.set_note(first.id, "His")
        bruno.set_status(second.id, ShortlistStatus.CANDIDATURE_ENVOYEE)

        report = copy.replay(anne)
        assert report.applied == 1 and len(report.conflicts) == 1
        edit, _conflict = report.conflicts[0]
        copy.keep_theirs(edit)
        assert anne.get_entry(first.id).note == "His"
        assert copy.pending() == []
        copy.close()
        offline.close()


def on_disk(path: Path) -> bytes:
    """The copy as anyone reading the disk finds it: the file and its write-ahead log."""
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_someone_erased_on_the_server_leaves_the_copy_but_not_what_was_typed(
    pg_url: str, tmp_path: Path
) -> None:
    with (
        PeopleService(pg_url, counsellor="Anne") as anne,
        PeopleService(pg_url, counsellor="Bruno") as bruno,
    ):
        lea = anne.create_person(first_name="Léa", last_name="Martin", phone="0612345678")
        line, _ = anne.add_to_shortlist(lea.id, item=cap(1))
        bruno.set_note(line.id, "Vu par Bruno")
        copy = LocalCopy(tmp_path / "copie.sqlite")
        copy.refresh(anne)
        brunos_copy = LocalCopy(tmp_path / "copie-bruno.sqlite")  # his computer's
        brunos_copy.refresh(bruno)
        window = LocalCopy(copy.path)  # the window keeps the copy open meanwhile
        window.pending()
        offline = copy.people_service(counsellor="Anne", where="serveur de test")
        offline.set_note(line.id, "Note sur Léa")
        offline.close()

        bruno.erase_person(lea.id)  # by a colleague, while this computer was away
        brunos_copy.forget_person(lea.id)
        report = copy.replay(anne)
        assert (report.applied, report.conflicts) == (0, [])
        assert copy.refresh(anne) == 0
        # The record is gone from this computer; the note typed waits for a decision.
        (edit,) = copy.gone()
        assert (edit.who_fr, edit.base.title, edit.label_fr) == (
            "Léa Martin",
            "CAP n° 1",
            "note « Note sur Léa »",
        )
        assert b"0612345678" not in on_disk(copy.path)  # file and log, still open
        copy.refresh(anne)  # a later refresh does not drop it either
        assert copy.replay(anne).applied == 0 and len(copy.gone()) == 1

        assert copy.let_go(copy.gone()) == 1  # the counsellor's decision
        assert copy.pending() == []
        for trace in ("Note sur Léa", "Martin", "Vu par Bruno", "0612345678"):
            assert trace.encode() not in on_disk(copy.path), trace
            assert trace.encode() not in on_disk(brunos_copy.path), trace
        # Never sent: the erasure stays complete on the server.
        assert all(rows == [] for rows in anne.store.rows_of_person(lea.id).values())
        assert anne.store.read("SELECT count(*) FROM people")[0][0] == 0
        assert anne.store.read("SELECT count(*) FROM shortlist_items")[0][0] == 0
        assert anne.store.read("SELECT count(*) FROM journal_events")[0][0] == 0
        for c in (copy, window, brunos_copy):
            c.close()
        assert b"Note sur L" not in copy.path.read_bytes()


def test_an_erasure_here_removes_the_person_from_this_computers_copy_at_once(
    pg_url: str,
) -> None:
    from lba_desktop.exports.privacy import erase_person

    with PeopleService(pg_url, counsellor="Anne") as anne:
        lea = anne.create_person(first_name="Léa", phone="0698765432")
        copy = LocalCopy()  # the data folder's copy, the one the window keeps
        copy.refresh(anne)
        copy.close()
        assert b"0698765432" in copy.path.read_bytes()
        erase_person(anne, lea.id)
        assert b"0698765432" not in copy.path.read_bytes()

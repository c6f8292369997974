"""The follow-up's conflicts: a shortlist line a colleague saved first, now or while the server
was away, shown side by side for the counsellor to choose; one question at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from lba_desktop.errors import LbaError
from lba_desktop.people.conflicts import EditConflict
from lba_desktop.people.offline import LocalCopy
from lba_desktop.ui.conflict_dialog import MINE, ConflictDialog

if TYPE_CHECKING:
    from lba_desktop.ui.followup import FollowUp


def keep_mine_now(people: Any, conflict: EditConflict) -> Any:
    """Task: save the counsellor's values over the colleague's version they have now seen."""
    line = conflict.theirs
    for key, value in conflict.mine.items():
        if key == "status":
            line = people.set_status(line.id, value, base=line)
        elif key == "note":
            line = people.set_note(line.id, value, base=line)
    return line


def settle_offline(
    copy_path: Any, server: Any, edit: Any, conflict: EditConflict, choice: str
) -> str:
    """Task: the decision on an edit typed while away, applied on the server and the copy."""
    copy = LocalCopy(copy_path)
    try:
        if choice == MINE:
            copy.keep_mine(edit, server, conflict.theirs)
        else:
            copy.keep_theirs(edit)
    finally:
        copy.close()
    return choice


class LineConflicts(QObject):
    """Asks the counsellor which version of a line to keep, and applies the answer."""

    settled = Signal()  # a decision was applied (tests wait on it)

    def __init__(self, follow: FollowUp) -> None:
        super().__init__(follow)
        self.follow = follow
        self.window = follow.window
        self.dialog: ConflictDialog | None = None
        self._queue: list[tuple[Any, EditConflict]] = []  # (offline edit or None, conflict)

    def is_line_conflict(self, exc: Any) -> bool:
        return isinstance(exc, EditConflict) and hasattr(exc.theirs, "item_id")

    def ask(self, conflict: EditConflict, edit: Any = None) -> None:
        """Queue one question; `edit` is the offline edit it comes from, if any."""
        self._queue.append((edit, conflict))
        if self.dialog is None or not self.dialog.isVisible():
            self._next()

    def _next(self) -> None:
        if not self._queue:
            self.dialog = None
            return
        edit, conflict = self._queue.pop(0)
        title = "Votre version"
        if edit is not None:
            typed = edit.typed_at.astimezone()
            title = f"Votre version (saisie hors connexion le {typed:%d/%m à %H:%M})"
        dialog = ConflictDialog(conflict, mine_title=title, parent=self.window)
        dialog.decided.connect(lambda choice, e=edit, c=conflict: self._apply(e, c, choice))
        dialog.finished.connect(self._on_closed)
        self.dialog = dialog
        dialog.open()

    @Slot(int)
    def _on_closed(self, _result: int) -> None:
        self._next()

    def _apply(self, edit: Any, conflict: EditConflict, choice: str) -> None:
        follow = self.follow
        runner = self.window.runner
        if edit is not None:
            runner.start(
                settle_offline,
                follow.link.copy_path,
                follow.link.server,
                edit,
                conflict,
                choice,
                succeeded=self._on_settled,
                failed=self._on_failed,
            )
        elif choice == MINE and follow.services is not None:
            runner.start(
                keep_mine_now,
                follow.people,
                conflict,
                succeeded=self._on_settled,
                failed=self._on_failed,
            )
        else:
            self._on_settled(None)  # the colleague's version is already the one shown

    @Slot(object)
    def _on_settled(self, _result: Any) -> None:
        self.follow.shortlist.reload()
        self.window.statusBar().showMessage("Version choisie enregistrée.", 5000)
        self.settled.emit()

    @Slot(object)
    def _on_failed(self, exc: Any) -> None:
        if self.is_line_conflict(exc):
            self.ask(exc)  # changed once more meanwhile: the new version is shown
            return
        self.follow.show_error(exc if isinstance(exc, LbaError) else LbaError(str(exc)))

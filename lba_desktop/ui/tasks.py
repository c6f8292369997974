"""The one task runner of the window: plain Python functions run on a QThreadPool, results back
as Qt signals on the GUI thread."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

# A task function receives `report(done, total, label)` as its keyword `report` when it asks
# for one; it never touches Qt, so the same function serves the CLI and the tests.
Report = Callable[[int, int, str], None]


class TaskSignals(QObject):
    """Signals of one task. Kept alive by the runner until the task ends, so a late signal
    never reaches a deleted object."""

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception (LbaError for known failures)
    finished = Signal()


class _Job:
    """What a pool thread runs. Handed to the pool as a plain callable: PySide keeps a
    reference to it until it has run (a QRunnable subclass can lose its Python half to the
    garbage collector before the pool starts it, and then silently never runs)."""

    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        signals: TaskSignals,
    ) -> None:
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn(*self.args, **self.kwargs)
        except Exception as exc:  # every failure must reach the GUI, never die in a thread
            if not _is_known(exc):
                log.error("Tâche en échec :\n%s", traceback.format_exc())
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


def _is_known(exc: BaseException) -> bool:
    from lba_desktop.errors import LbaError

    return isinstance(exc, LbaError)


class TaskRunner(QObject):
    """Starts tasks on its own pool; callers connect the returned signals to bound slots."""

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._alive: set[TaskSignals] = set()

    def start(
        self,
        fn: Callable[..., Any],
        *args: Any,
        succeeded: Callable[[Any], None] | None = None,
        failed: Callable[[Any], None] | None = None,
        progress: Callable[[int, int, str], None] | None = None,
        **kwargs: Any,
    ) -> TaskSignals:
        """Queue `fn(*args, **kwargs)` with its slots already connected: a signal emitted
        from a pool thread only reaches the receivers connected at that moment, and a fast
        task can end before the caller's next line runs. `progress`, when given, is also
        passed to `fn` as its `report` keyword."""
        signals = TaskSignals()
        if succeeded is not None:
            signals.succeeded.connect(succeeded)
        if failed is not None:
            signals.failed.connect(failed)
        if progress is not None:
            signals.progress.connect(progress)
            kwargs["report"] = signals.progress.emit
        signals.finished.connect(self._forget)
        self._alive.add(signals)
        self.pool.start(_Job(fn, args, kwargs, signals).run)
        return signals

    @Slot()
    def _forget(self) -> None:
        sender = self.sender()
        if isinstance(sender, TaskSignals):
            self._alive.discard(sender)
            sender.deleteLater()

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for queued tasks (on exit and in tests); never called from a slot."""
        return self.pool.waitForDone(msecs)

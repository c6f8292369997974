"""The map page's lbatile:// requests: a cached tile answered at once, a missing one fetched
from the provider on a worker thread, a failure answered « not found » (the page then shows
its place names there, never a broken image and never a wait on the interface)."""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Signal, Slot
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)
from shiboken6 import isValid

from lba_desktop.map_tiles import SCHEME, TileSource, parse_tile_path

log = logging.getLogger(__name__)


def register_tile_scheme() -> None:
    """Declare lbatile:// to Chromium; must run before the QApplication exists."""
    if QWebEngineUrlScheme.schemeByName(SCHEME.encode()).name():
        return
    scheme = QWebEngineUrlScheme(SCHEME.encode())
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.LocalAccessAllowed
        | QWebEngineUrlScheme.Flag.CorsEnabled
    )
    QWebEngineUrlScheme.registerScheme(scheme)


def _mime(data: bytes) -> bytes:
    return b"image/jpeg" if data.startswith(b"\xff\xd8") else b"image/png"


class TileSchemeHandler(QWebEngineUrlSchemeHandler):
    """Installed once on the web profile; `source` says where tiles come from."""

    _fetched = Signal(object, object)  # job, bytes | None: back on the interface's thread

    def __init__(self, source: TileSource, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        # A few parallel downloads: the provider's rate limit is enforced by its client.
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="tuiles")
        self._fetched.connect(self._reply)
        self.served = 0  # tiles answered, for tests and the benchmark

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        where = parse_tile_path(job.requestUrl().path())
        if where is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlInvalid)
            return
        data = self.source.cached(*where)
        if data is not None:
            self._reply(job, data)
            return
        future = self._pool.submit(self.source.fetch, *where)
        future.add_done_callback(partial(self._done, job))

    def _done(self, job: QWebEngineUrlRequestJob, future: Future[Any]) -> None:
        try:
            data = future.result()
        except Exception:  # a bug in a worker must not leave the request hanging
            log.exception("Tuile non servie")
            data = None
        self._fetched.emit(job, data)

    @Slot(object, object)
    def _reply(self, job: QWebEngineUrlRequestJob, data: bytes | None) -> None:
        if not isValid(job):  # the page went away meanwhile
            return
        if data is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(job)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(_mime(data), buffer)
        self.served += 1

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

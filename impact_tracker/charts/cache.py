"""Rendered charts kept by a hash of everything that changes the picture: in memory, and on disk if given one."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .style import RENDERER_VERSION

log = logging.getLogger(__name__)


def cache_key(*parts: object) -> str:
    """A sha256 hex digest of ``parts`` (by their repr) and the renderer version.

    Pass everything that changes the picture: dates, the analysis result, annotations, rebase reasons,
    notes, unit and format. Frozen dataclasses, tuples, dates, floats and strings have stable reprs.
    """
    return hashlib.sha256(repr((RENDERER_VERSION, parts)).encode()).hexdigest()


class ChartCache:
    """A thread-safe LRU of chart bytes in memory, backed by files in ``directory`` when one is given."""

    def __init__(self, directory: str | Path | None = None, max_items: int = 128):
        self.directory = Path(directory) if directory else None
        self.max_items = max_items
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._worker: ThreadPoolExecutor | None = None
        self._in_flight: dict[str, Future] = {}

    def get(self, key: str) -> bytes | None:
        """The bytes cached under ``key`` (memory first, then disk), or None: never renders."""
        found = self._from_memory(key)
        if found is None:
            found = self._from_disk(key)
            if found is not None:
                self._remember(key, found)
        return found

    def render_soon(self, key: str, render: Callable[[], bytes]) -> None:
        """Render ``key`` in the background unless it is cached or already being drawn.

        Charts cost about 100 ms each, so they are drawn when their data change, by one worker thread (created
        on first use, so after a server forks), and a page view later finds them ready.
        """
        with self._lock:
            if key in self._items or key in self._in_flight:
                return
            if self._worker is None:
                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chart-render")
            self._in_flight[key] = self._worker.submit(self._render_in_background, key, render)

    def wait(self) -> None:
        """Block until every background render has finished (for tests and the benchmark)."""
        with self._lock:
            pending = list(self._in_flight.values())
        for future in pending:
            future.result()

    def _render_in_background(self, key: str, render: Callable[[], bytes]) -> None:
        try:
            if self._from_disk(key) is None:
                self.get_or_render(key, render)
        except Exception:  # a failed background render only means the view draws it instead
            log.exception("background chart render failed")
        finally:
            with self._lock:
                self._in_flight.pop(key, None)

    def get_or_render(self, key: str, render: Callable[[], bytes]) -> bytes:
        """The bytes cached under ``key``, or ``render()``'s result, which is then cached."""
        found = self._from_memory(key)
        if found is None:
            found = self._from_disk(key)
        if found is None:
            found = render()
            self._to_disk(key, found)
        self._remember(key, found)
        return found

    def clear(self) -> None:
        """Forget everything held in memory (files on disk stay)."""
        with self._lock:
            self._items.clear()

    def _from_memory(self, key: str) -> bytes | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
            return self._items.get(key)

    def _remember(self, key: str, data: bytes) -> None:
        with self._lock:
            self._items[key] = data
            self._items.move_to_end(key)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)

    def _path(self, key: str) -> Path | None:
        return self.directory / key[:2] / key if self.directory else None

    def _from_disk(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return path.read_bytes() if path else None
        except OSError:
            return None  # not cached yet (or unreadable): render it again

    def _to_disk(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a reader in another worker never sees half a file.
            handle, temporary = tempfile.mkstemp(dir=path.parent)
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except OSError:
            return  # a full or read-only disk only costs a re-render next time

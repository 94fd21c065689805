"""Rendered charts kept by a hash of everything that changes the picture: in memory, and on disk if given one."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
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

    def render_soon(self, key: str, function: Callable[..., bytes], *args, **kwargs) -> None:
        """Draw ``key`` as ``function(*args, **kwargs)`` in the background unless it is cached or being drawn.

        Charts cost about 100 ms each, so they are drawn when their data change, and a page view later finds
        them ready. They are drawn in a separate process (started on first use, so after a server forks), so
        that drawing never holds up the requests this process is serving; ``function`` and its arguments must
        therefore be picklable (a module-level function and plain data).
        """
        with self._lock:
            if key in self._items or key in self._in_flight:
                return
            future = self._executor().submit(function, *args, **kwargs)
            self._in_flight[key] = future
        future.add_done_callback(lambda done: self._finished(key, done))

    def wait(self) -> None:
        """Block until every background drawing has finished and been stored (for tests and the benchmark)."""
        with self._lock:
            pending = list(self._in_flight.items())
        for key, future in pending:
            future.exception()
            self._finished(key, future)

    def close(self) -> None:
        """Stop the background drawing process (after finishing what it was given)."""
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is not None:
            worker.shutdown(wait=True)

    def _executor(self) -> Executor:
        if self._worker is None:
            try:
                self._worker = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            except (OSError, NotImplementedError):  # no processes allowed here: a thread still keeps it off the page
                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chart-render")
        return self._worker

    def _finished(self, key: str, future: Future) -> None:
        """Keep a drawing that succeeded; a failed one only means the next view draws it instead."""
        with self._lock:
            if self._in_flight.get(key) is not future:
                return  # already stored (wait and the callback both call this)
            del self._in_flight[key]
        if future.cancelled() or future.exception() is not None:
            log.error("background chart drawing failed: %r", None if future.cancelled() else future.exception())
            return
        data = future.result()
        self._to_disk(key, data)
        self._remember(key, data)

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

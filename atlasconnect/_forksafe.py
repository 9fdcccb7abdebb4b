"""Locks that a child process gets back unlocked after ``os.fork()``.

``fork()`` copies a held ``threading.Lock`` into the child, held, while the
thread that would release it does not exist there: the child's first
``with lock:`` then waits forever. Servers and task queues that pre-fork
workers (gunicorn, uWSGI, Celery) fork at any moment, so every lock in
atlasconnect is a :class:`ForkSafeLock`, which the child replaces with a
fresh one before any of its code runs.
"""

from __future__ import annotations

import os
import threading
import weakref
from types import TracebackType

_all_locks: weakref.WeakSet[ForkSafeLock] = weakref.WeakSet()


class ForkSafeLock:
    """A ``threading.Lock`` for ``with`` statements, unlocked again in a forked child."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        _all_locks.add(self)

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._lock.release()

    def _reset(self) -> None:
        self._lock = threading.Lock()


def _reset_all_locks() -> None:
    # Runs in the child, where the forking thread is the only one.
    for lock in list(_all_locks):
        lock._reset()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork()
    os.register_at_fork(after_in_child=_reset_all_locks)

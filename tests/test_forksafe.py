"""A child forked while another thread holds one of atlasconnect's locks can still use it.

Pre-forking servers (gunicorn, uWSGI, Celery) fork at any moment; a lock held
by another thread at that moment must not stay held in the child.
"""

from __future__ import annotations

import os
import signal
import ssl
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import certifi
import pytest

from atlasconnect import _environment as environment
from atlasconnect import _pymongo_internals
from atlasconnect import _tls as tls
from atlasconnect._diagnosis import ConnectionProfile
from atlasconnect._forksafe import ForkSafeLock
from atlasconnect._verification import HeartbeatWatcher

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")

CHILD_SECONDS = 10.0
PROFILE = ConnectionProfile("mongodb://h/", (), None, tls.DEFAULT_MIN_TLS_VERSION, None)


@contextmanager
def held_by_another_thread(lock: ForkSafeLock) -> Iterator[None]:
    """``lock`` held by a second thread for the duration of the block."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:
            holding.set()
            release.wait()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    holding.wait()
    try:
        yield
    finally:
        release.set()
        thread.join()


def exit_status_of_forked(operation: Callable[[], object]) -> int:
    """Run ``operation`` in a forked child; its exit status, or -SIGKILL if it hung."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() with threads: the point
        pid = os.fork()
    if pid == 0:
        try:
            operation()
        except BaseException:
            os._exit(1)
        os._exit(0)
    deadline = time.monotonic() + CHILD_SECONDS
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return -signal.SIGKILL


def watcher_lock() -> tuple[ForkSafeLock, Callable[[], object]]:
    watcher = HeartbeatWatcher(PROFILE, verifying=True)
    return watcher._lock, lambda: watcher.failures_of({"h:1"}, every=False)


def environment_lock() -> tuple[ForkSafeLock, Callable[[], object]]:
    environment._passed.clear()  # so that ensure_fit() takes the lock again
    return environment._passed_lock, lambda: environment.ensure_fit(
        ssl.TLSVersion.TLSv1_2, certifi.where(), is_srv=False
    )


def install_lock() -> tuple[ForkSafeLock, Callable[[], object]]:
    def install_again() -> None:
        _pymongo_internals._installed_hook = None  # in the child: take the lock again
        _pymongo_internals.check_tls_floor_hook(certifi.where())

    return _pymongo_internals._install_lock, install_again


@pytest.mark.timeout(CHILD_SECONDS * 2)
@pytest.mark.parametrize("lock_and_operation", [watcher_lock, environment_lock, install_lock])
def test_child_forked_while_a_lock_is_held_can_take_it(
    lock_and_operation: Callable[[], tuple[ForkSafeLock, Callable[[], object]]],
) -> None:
    lock, operation = lock_and_operation()
    with held_by_another_thread(lock):
        assert exit_status_of_forked(operation) == 0

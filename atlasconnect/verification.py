"""Watching a client's heartbeats: fail fast when asked to verify, log the cause otherwise.

pymongo reports a connection problem only when server selection times out
(30 s by default). Its monitors know much sooner: every failed heartbeat
carries the server's error. :class:`HeartbeatWatcher` collects those, so that
``connect(verify=True)`` can raise as soon as every server has failed in a way
waiting will not cure, and so that a client made without ``verify`` logs the
cause once, as a WARNING on the ``atlasconnect`` logger.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

from pymongo import AsyncMongoClient, MongoClient
from pymongo.errors import PyMongoError
from pymongo.monitoring import (
    ServerHeartbeatFailedEvent,
    ServerHeartbeatListener,
    ServerHeartbeatStartedEvent,
    ServerHeartbeatSucceededEvent,
)

from . import _pymongo_internals, diagnosis
from .exceptions import AtlasConnectError

logger = logging.getLogger("atlasconnect")

_POLL_SECONDS = 0.05


def _address(
    event: ServerHeartbeatStartedEvent | ServerHeartbeatSucceededEvent | ServerHeartbeatFailedEvent,
) -> str:
    host, port = event.connection_id
    return f"{host}:{port}"


class HeartbeatWatcher(ServerHeartbeatListener):
    """Remembers each server's latest heartbeat failure; logs each distinct cause once."""

    def __init__(self, profile: diagnosis.ConnectionProfile, *, verifying: bool) -> None:
        self.profile = profile
        self._lock = threading.Lock()
        self._servers: set[str] = set()
        self._failures: dict[str, str] = {}
        self._logged: set[tuple[str, str | None]] = set()
        self.changed = threading.Event()
        self.verifying = verifying
        """While True, failures are raised by :func:`verify`, not logged."""

    def started(self, event: ServerHeartbeatStartedEvent) -> None:
        with self._lock:
            self._servers.add(_address(event))

    def succeeded(self, event: ServerHeartbeatSucceededEvent) -> None:
        with self._lock:
            self._failures.pop(_address(event), None)
        self.changed.set()

    def failed(self, event: ServerHeartbeatFailedEvent) -> None:
        if _pymongo_internals.is_monitor_cancellation(event.reply):
            return
        with self._lock:
            self._servers.add(_address(event))
            self._failures[_address(event)] = str(event.reply)
            everyone_failed = self._servers <= self._failures.keys()
            failures = dict(self._failures)
        self.changed.set()
        if everyone_failed and not self.verifying:
            self._log_once(failures)

    def failures_of(self, addresses: set[str]) -> dict[str, str] | None:
        """The failures of ``addresses`` if every one of them has failed, else None."""
        with self._lock:
            if addresses and addresses <= self._failures.keys():
                return {address: self._failures[address] for address in addresses}
        return None

    def _log_once(self, failures: dict[str, str]) -> None:
        error = diagnosis.diagnose(failures, self.profile, final=True)
        if error is None:
            return
        cause = (type(error).__name__, getattr(error, "reason", None))
        with self._lock:
            if cause in self._logged:
                return
            self._logged.add(cause)
        logger.warning("%s: %s", type(error).__name__, error)


class Verdict:
    """One look at a client that is being verified."""

    def __init__(self, client: MongoClient[Any] | AsyncMongoClient[Any], deadline: float) -> None:
        self.client = client
        self.deadline = deadline

    def check(self, watcher: HeartbeatWatcher) -> AtlasConnectError | None:
        """None to keep waiting or to go on; an error to raise now."""
        description = self.client.topology_description
        if description.has_writable_server():
            return None
        addresses = {f"{host}:{port}" for host, port in description.server_descriptions()}
        final = time.monotonic() >= self.deadline
        failures = watcher.failures_of(addresses)
        if failures is None:
            return diagnosis.diagnose({}, watcher.profile, final=True) if final else None
        return diagnosis.diagnose(failures, watcher.profile, final=final)

    def ready(self) -> bool:
        return self.client.topology_description.has_writable_server()

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())


def verify(client: MongoClient[Any], watcher: HeartbeatWatcher) -> None:
    """Wait until a server can be used, then ping; raise the typed error on failure."""
    verdict = Verdict(client, time.monotonic() + client.options.server_selection_timeout)
    try:
        while not verdict.ready():
            error = verdict.check(watcher)
            if error is not None:
                raise error
            watcher.changed.wait(min(_POLL_SECONDS, verdict.remaining()))
            watcher.changed.clear()
    finally:
        watcher.verifying = False
    try:
        client.admin.command("ping")
    except PyMongoError as exc:
        explained = diagnosis.explain(exc, client)
        if explained is None:
            raise
    else:
        return
    raise explained


async def verify_async(client: AsyncMongoClient[Any], watcher: HeartbeatWatcher) -> None:
    """:func:`verify` for the async client."""
    verdict = Verdict(client, time.monotonic() + client.options.server_selection_timeout)
    try:
        # Opens the topology; a mongodb+srv:// name is looked up here.
        await client.aconnect()
        while not verdict.ready():
            error = verdict.check(watcher)
            if error is not None:
                raise error
            await asyncio.sleep(min(_POLL_SECONDS, verdict.remaining()))
        watcher.verifying = False
        await client.admin.command("ping")
    except PyMongoError as exc:
        if isinstance(exc, AtlasConnectError):
            raise
        explained = diagnosis.explain(exc, client)
        if explained is None:
            raise
    else:
        return
    raise explained

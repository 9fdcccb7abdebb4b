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
import time
from typing import Any

from pymongo import AsyncMongoClient, MongoClient
from pymongo.monitoring import (
    ServerHeartbeatFailedEvent,
    ServerHeartbeatListener,
    ServerHeartbeatStartedEvent,
    ServerHeartbeatSucceededEvent,
)

from . import _address as address_text
from . import _diagnosis as diagnosis
from . import _pymongo_internals
from ._exceptions import AtlasConnectError
from ._forksafe import ForkSafeLock

logger = logging.getLogger("atlasconnect")

_POLL_SECONDS = 0.05


def _address(
    event: ServerHeartbeatStartedEvent | ServerHeartbeatSucceededEvent | ServerHeartbeatFailedEvent,
) -> str:
    return address_text.join(*event.connection_id)


class HeartbeatWatcher(ServerHeartbeatListener):
    """Remembers each server's latest heartbeat failure; logs each distinct cause once."""

    def __init__(self, profile: diagnosis.ConnectionProfile, *, verifying: bool) -> None:
        self.profile = profile
        self._lock = ForkSafeLock()
        self._servers: set[str] = set()
        self._failures: dict[str, str] = {}
        self._logged: set[tuple[str, str | None]] = set()
        self._set_names: dict[str, str | None] = {}
        self._members: dict[str, tuple[str, ...]] = {}
        self.verifying = verifying
        """While True, failures are raised by :func:`verify`, not logged; it stays True
        when verification fails, as the client is then closed and its error raised."""

    def started(self, event: ServerHeartbeatStartedEvent) -> None:
        with self._lock:
            self._servers.add(_address(event))

    def succeeded(self, event: ServerHeartbeatSucceededEvent) -> None:
        members = tuple(sorted(address_text.join(*member) for member in event.reply.all_hosts))
        with self._lock:
            self._failures.pop(_address(event), None)
            self._set_names[_address(event)] = event.reply.replica_set_name
            self._members[_address(event)] = members

    @property
    def members(self) -> dict[str, tuple[str, ...]]:
        """The replica set members each server that answered named (``hosts``, ``passives``,
        ``arbiters`` of its ``hello``), under the names the set's configuration gives them."""
        with self._lock:
            return dict(self._members)

    @property
    def set_names(self) -> dict[str, str | None]:
        """The replica set each server that answered said it belongs to (None: in none).

        pymongo drops a server of another set than ``replicaSet=`` names, and
        its topology description forgets it: this is what that server said.
        """
        with self._lock:
            return dict(self._set_names)

    def failed(self, event: ServerHeartbeatFailedEvent) -> None:
        if _pymongo_internals.is_monitor_cancellation(event.reply):
            return
        with self._lock:
            self._servers.add(_address(event))
            self._failures[_address(event)] = str(event.reply)
            everyone_failed = self._servers <= self._failures.keys()
            failures = dict(self._failures)
        if everyone_failed and not self.verifying:
            self._log_once(failures)

    def failures_of(self, addresses: set[str], *, every: bool) -> dict[str, str]:
        """The latest failures of ``addresses``; with ``every``, none unless all failed."""
        with self._lock:
            if every and not (addresses and addresses <= self._failures.keys()):
                return {}
            return {a: self._failures[a] for a in addresses if a in self._failures}

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


class _Wait:
    """Waiting for a verified client's first usable server, up to serverSelectionTimeoutMS."""

    def __init__(
        self, client: MongoClient[Any] | AsyncMongoClient[Any], watcher: HeartbeatWatcher
    ) -> None:
        self.client = client
        self.watcher = watcher
        self.timeout: float = client.options.server_selection_timeout
        self.deadline = time.monotonic() + self.timeout

    def over(self) -> bool:
        """True once a server can be used; raises the typed error if none will be."""
        description = self.client.topology_description
        if description.has_writable_server():
            return True
        addresses = {address_text.join(*address) for address in description.server_descriptions()}
        if time.monotonic() >= self.deadline:
            raise self._timed_out(addresses)
        failures = self.watcher.failures_of(addresses, every=True)
        profile = self.watcher.profile
        error = (
            diagnosis.advertised_names_problem(self.watcher.members, failures, profile)
            or diagnosis.diagnose(failures, profile, final=False)
            or diagnosis.set_name_mismatch(self.client, profile)
            or diagnosis.ghost_problem(self.client, profile)
        )
        if error is not None:
            raise error
        return False

    def _timed_out(self, addresses: set[str]) -> AtlasConnectError:
        """The error once serverSelectionTimeoutMS is over: every server named."""
        profile = self.watcher.profile
        problem = diagnosis.replica_set_problem(self.client, profile)
        if problem is not None:  # the servers answered, but none can be used
            return problem
        failures = self.watcher.failures_of(addresses, every=False)
        silent = sorted(addresses - failures.keys())
        every_server_failed = bool(failures) and not silent
        error = (
            diagnosis.advertised_names_problem(self.watcher.members, failures, profile)
            or diagnosis.diagnose(failures, profile, final=True)
            if every_server_failed
            else None
        )
        return error or diagnosis.no_answer_in_time(failures, silent, profile, self.timeout)

    def pause(self) -> float:
        return min(_POLL_SECONDS, max(0.0, self.deadline - time.monotonic()))


def verify(client: MongoClient[Any], watcher: HeartbeatWatcher) -> None:
    """Wait until a server can be used, then ping; raise the typed error on failure."""
    wait = _Wait(client, watcher)
    while not wait.over():
        time.sleep(wait.pause())
    diagnosis.call_explained(client, lambda: client.admin.command("ping"), connecting=True)
    watcher.verifying = False


async def verify_async(client: AsyncMongoClient[Any], watcher: HeartbeatWatcher) -> None:
    """:func:`verify` for the async client, which connects (and looks up SRV) here."""
    wait = _Wait(client, watcher)
    await diagnosis.call_explained_async(client, client.aconnect, connecting=True)
    while not wait.over():
        await asyncio.sleep(wait.pause())
    await diagnosis.call_explained_async(
        client, lambda: client.admin.command("ping"), connecting=True
    )
    watcher.verifying = False

"""The doctor's layers: the one table of them and of their statuses, what a layer found,
and how one runs.

A layer's name is the ``name`` of ``--json`` and of ``doctor-schema.json``, its
label what the text shows (``[  ok] URI ...``), its waiting text what the
waiting line calls it (``... waiting for HOST TLS handshake``): the doctor, its
text (:mod:`atlasconnect._doctor_text`), the command and the schema all read
:class:`LayerName`, and ``tests/test_doctor.py`` fails when the schema says
otherwise. A layer that has run is ok or failed (:class:`Status`); one still
running has no status yet. :func:`running` runs one; :class:`Target` is what the
global layers learn for the hosts' layers.
"""

from __future__ import annotations

import contextlib
import enum
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import _connection_string as connection_string
from . import _diagnosis as diagnosis
from . import _environment_facts as environment_facts
from ._exceptions import AtlasConnectError
from ._plan import ConnectionPlan


class LayerName(enum.Enum):
    """A layer, in the order the doctor checks them: its name (the member's value), its
    label in the text, and what the waiting line calls it."""

    label: str
    waiting: str

    def __new__(cls, name: str, label: str, waiting: str) -> LayerName:
        member = object.__new__(cls)
        member._value_ = name
        member.label = label
        member.waiting = waiting
        return member

    # The global layers: once per run.
    ENVIRONMENT = "environment", "environment", "the environment checks"
    CONNECTION_STRING = "connection_string", "URI", "the connection string checks"
    DNS = "dns", "DNS", "DNS"
    # Each host's layers.
    TCP = "tcp", "TCP", "TCP connect"
    TLS = "tls", "TLS", "TLS handshake"
    HELLO = "hello", "hello", "MongoDB hello"
    AUTHENTICATION = "authentication", "login", "login"
    PING = "ping", "ping", "ping"


class Status(enum.Enum):
    """How a layer ended; a layer still running has none (``None``)."""

    OK = "ok"
    FAILED = "failed"


DEFAULT_SRV_SERVICE_NAME = "mongodb"
"""The SRV service looked up unless the URI's ``srvServiceName`` names another."""


@dataclass
class Layer:
    """The outcome of one check."""

    name: LayerName
    status: Status | None = None
    """How it ended; None while it runs."""
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)
    error: AtlasConnectError | None = None
    failure_text: str | None = None
    """What the network said, for classifying TCP and TLS failures across hosts."""
    facts: environment_facts.Facts | None = None
    """The environment layer's facts (its ``details`` are their JSON form); None for others."""


@dataclass
class HostReport:
    """The layered checks of one host."""

    address: str
    layers: list[Layer] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return bool(self.layers) and all(layer.status is Status.OK for layer in self.layers)


@dataclass
class Report:
    """Everything the doctor found, and the verdict."""

    uri: str | None
    layers: list[Layer] = field(default_factory=list)
    hosts: list[HostReport] = field(default_factory=list)
    error: AtlasConnectError | None = None
    summary: str = ""


Progress = Callable[[str | None, Layer], None]
"""Called when a layer starts (its status None) and when it ends; host None: a global layer."""


Explain = Callable[[Exception], AtlasConnectError]
"""Turns an exception a layer raised that is not an AtlasConnectError into one."""


def no_progress(host: str | None, layer: Layer) -> None:
    """The default :data:`Progress`: nobody is watching."""


@contextlib.contextmanager
def running(
    layer: Layer, host: str | None, progress: Progress, explain: Explain
) -> Iterator[Layer]:
    """Time a layer and report it; any exception inside marks it failed, explained.

    ``explain`` turns what is not already an AtlasConnectError into one; the
    original exception is dropped, not chained, since it may echo a secret.
    """
    layer.status = None
    progress(host, layer)
    start = time.monotonic()
    try:
        yield layer
    except AtlasConnectError as exc:
        layer.status, layer.error = Status.FAILED, exc
    except Exception as exc:  # every failure becomes a failed, explained layer
        layer.status, layer.error = Status.FAILED, explain(exc)
    else:
        if layer.status is None:  # not failed by the check itself
            layer.status = Status.OK
    finally:
        layer.seconds = time.monotonic() - start
        progress(host, layer)


@dataclass
class Target:
    """What the global layers learnt, for probing the hosts."""

    plan: ConnectionPlan
    """The plan of the connection string (:meth:`ConnectionPlan.of`): its CA file, floor and
    profile are the ones ``connect()`` uses."""
    hosts: list[tuple[str, int]] = field(default_factory=list)
    credentials: dict[str, Any] = field(default_factory=dict, repr=False)
    database: str | None = None
    """The URI's database: pymongo's authSource when none is given, so the login's too."""
    replica_set: str | None = None
    """The set ``replicaSet=`` (or, for ``mongodb+srv://``, the TXT record) names."""
    direct: bool = False
    """``directConnection=true``: the application uses the one host as it is."""

    @property
    def parsed(self) -> connection_string.ConnectionString:
        return self.plan.parsed

    @property
    def ca_file(self) -> str:
        return self.plan.ca_file

    @property
    def floor(self) -> ssl.TLSVersion:
        return self.plan.floor

    @property
    def profile(self) -> diagnosis.ConnectionProfile:
        return self.plan.profile

    @property
    def srv_name(self) -> str:
        """The SRV record pymongo looks up: ``_<srvServiceName>._tcp.<host>``."""
        service = next(
            (str(v) for k, v in self.parsed.options.items() if k.lower() == "srvservicename"),
            DEFAULT_SRV_SERVICE_NAME,
        )
        return f"_{service}._tcp.{self.parsed.srv_host}"

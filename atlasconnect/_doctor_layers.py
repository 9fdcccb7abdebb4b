"""The doctor's layers and their statuses: the one table the doctor, its text, the command
and ``doctor-schema.json`` read.

A layer's name is the ``name`` of ``--json`` and of the schema, its label what
the text shows (``[  ok] URI ...``), its waiting text what the waiting line
calls it (``... waiting for HOST TLS handshake``). A layer that has run is ok or
failed; one still running has no status yet. ``tests/test_doctor.py`` fails
when the schema says otherwise.
"""

from __future__ import annotations

import enum


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

"""pymongo's server types: what each means for a client that cannot select a server.

Source: ``pymongo/server_type.py`` (``SERVER_TYPE``) of the mongodb/mongo-python-driver
repository at commit ebc4bffcc842464e48a3edbd04802d1a42bc818a, the same nine types
in pymongo 4.13.0 and 4.20.1 (``tests/test_tables.py`` compares the table with the
installed pymongo's ``SERVER_TYPE``, names and numbers). How pymongo assigns them
from a server's ``hello`` answer is the Server Discovery and Monitoring
specification's (mongodb/specifications, ``source/server-discovery-and-monitoring``):
``RSGhost`` for a member that answers ``isreplicaset: true`` (not yet configured, or
removed from its set), ``RSOther`` for a hidden member or one in a state that is
neither primary, secondary nor arbiter (STARTUP2, RECOVERING, ROLLBACK).

A client's ``topology_description`` lists each server with one of these types
(``server_type_name``); a ``ServerSelectionTimeoutError`` repr shows them as
``server_type: RSSecondary``.
"""

from __future__ import annotations

from typing import NamedTuple

from . import load
from . import row as _row

__all__ = ["SERVER_TYPES", "ServerType"]


class ServerType(NamedTuple):
    name: str
    """The name in ``pymongo.server_type.SERVER_TYPE``."""
    number: int
    """Its value there."""
    meaning: str
    """What the server is, and why a client may not be able to use it."""
    fix: str


SERVER_TYPES: dict[str, ServerType] = {
    row.name: row for row in (_row(ServerType, r) for r in load("server_types"))
}

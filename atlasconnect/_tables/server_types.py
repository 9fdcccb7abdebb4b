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
    row.name: row
    for row in (
        ServerType(
            "Unknown",
            0,
            "pymongo has not reached the server yet, or its last attempt failed: the error "
            "shown with it (refused, timed out, a certificate, TLS alert 80) is the cause.",
            "explain the error shown next to the server (atlasconnect.explain); with none, the "
            "server did not answer within serverSelectionTimeoutMS: check the network to port "
            "27017 and Atlas's IP Access List (Security > Network Access).",
        ),
        ServerType(
            "Mongos",
            1,
            "a router of a sharded cluster; it serves reads and writes itself.",
            "a client that cannot use one while others are listed was told replicaSet=, which "
            "a sharded cluster's routers have not: remove replicaSet=, or use the connection "
            "string Atlas shows.",
        ),
        ServerType(
            "RSPrimary",
            2,
            "the primary of a replica set: it takes writes and, by default, reads.",
            "if selection still fails with a primary listed, the read preference or "
            "readPreferenceTags exclude it, or its replica set name differs from replicaSet=: "
            "compare both with the connection string Atlas shows.",
        ),
        ServerType(
            "RSSecondary",
            3,
            "a secondary: it serves reads that allow secondaries, never writes.",
            "for writes, wait for an election to give the set a primary (seconds) and keep "
            "retryWrites=true; if no primary appears, check the cluster's status in Atlas. "
            "Reads may use readPreference=secondaryPreferred meanwhile.",
        ),
        ServerType(
            "RSArbiter",
            4,
            "an arbiter: it votes in elections and holds no data, so no operation can use it.",
            "connect to the data-bearing members: use the connection string Atlas shows, or, "
            "for a self-managed set, list its data-bearing members.",
        ),
        ServerType(
            "RSOther",
            5,
            "a member that is neither primary, secondary nor arbiter: hidden, starting up, "
            "recovering or rolling back; it serves nothing now.",
            "wait for the member to finish (check the cluster's status in Atlas); with "
            "directConnection=true on this one member, connect to the whole set instead.",
        ),
        ServerType(
            "RSGhost",
            6,
            "a member of a replica set that is not yet initiated, or was removed from its set: "
            "it knows it is in a replica set but has no configuration, so it serves nothing.",
            "for a self-managed set, run rs.initiate() (or re-add the member with rs.add()); to "
            "reach this one server alone, add directConnection=true. An Atlas cluster is "
            "initiated by Atlas: wait until it shows as ready.",
        ),
        ServerType(
            "Standalone",
            7,
            "a server that is not a member of a replica set.",
            "if the connection string names replicaSet=, remove it for this server; every "
            "Atlas cluster is a replica set, so a standalone server is not Atlas's.",
        ),
        ServerType(
            "LoadBalancer",
            8,
            "a load balancer in front of the cluster (loadBalanced=true): pymongo does not "
            "monitor the servers behind it.",
            "errors come from the servers behind the balancer: explain the error of the "
            "operation; loadBalanced=true is only for endpoints Atlas gives with it.",
        ),
    )
}
"""Every server type, by name."""

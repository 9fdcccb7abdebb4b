"""What atlasconnect knows of a client it planned, to explain that client's failures."""

from __future__ import annotations

import ssl
from typing import Any, NamedTuple

from pymongo import AsyncMongoClient, MongoClient

from .. import _connection_string as connection_string
from .. import _tls as tls


class ConnectionProfile(NamedTuple):
    """What atlasconnect knows about a client it made, to explain that client's failures."""

    redacted_uri: str
    secrets: tuple[str, ...]
    ca_file: str | None
    min_tls_version: ssl.TLSVersion
    srv_host: str | None
    client_certificate: str | None = None
    """The ``tlsCertificateKeyFile`` the client presents; None when it presents none."""
    system_ca: bool = False
    """Whether the client also trusts the operating system's store."""
    dns_servers: tuple[Any, ...] | None = None
    """The DNS servers of the client's SRV and TXT lookups; None: the system's."""

    def __repr__(self) -> str:
        return connection_string.repr_of(
            self,
            (
                "redacted_uri",
                "ca_file",
                "min_tls_version",
                "srv_host",
                "client_certificate",
                "system_ca",
                "dns_servers",
            ),
        )


UNKNOWN_CLIENT = ConnectionProfile("<unknown>", (), None, tls.DEFAULT_MIN_TLS_VERSION, None)


def pymongo_client(client: Any) -> Any:
    """The pymongo client behind ``client``: motor keeps it as ``delegate``."""
    delegate = getattr(client, "delegate", None)
    return delegate if isinstance(delegate, (MongoClient, AsyncMongoClient)) else client


def profile_of(client: Any) -> ConnectionProfile:
    """The profile of a client atlasconnect planned; the unknown one for anything else.

    It travels with the client: the failure listener atlasconnect adds to
    every client it plans (``connect()``, or ``client_options()`` for a client
    a framework builds) carries it, and pymongo lists the client's listeners.
    """
    if not isinstance(client, (MongoClient, AsyncMongoClient)):
        return UNKNOWN_CLIENT
    for listener in client.options.event_listeners:
        profile = getattr(listener, "profile", None)
        if isinstance(profile, ConnectionProfile):
            return profile
    return UNKNOWN_CLIENT


def uri_of(profile: ConnectionProfile) -> str | None:
    """The redacted connection string of a client atlasconnect planned; None for another."""
    return None if profile is UNKNOWN_CLIENT else profile.redacted_uri


def uri_sentence(profile: ConnectionProfile) -> str:
    """`` Connection string: <redacted>``, the last sentence of an error's ``found`` for a
    client atlasconnect planned; nothing for another, of which nothing is known."""
    uri = uri_of(profile)
    return "" if uri is None else f" Connection string: {uri}"


def redacted(exc: BaseException, profile: ConnectionProfile) -> str:
    """The text of an error pymongo raised while reading the client's options: redacted."""
    return connection_string.redact(str(exc), profile.secrets)

"""The failure families: the one place that names them and gives their exit status.

Every error atlasconnect raises belongs to one family: the class says which
(:attr:`AtlasConnectError.family <atlasconnect.AtlasConnectError.family>`),
and a class whose reasons span families says which reason belongs where
(:attr:`~atlasconnect.AtlasConnectError.reason_families`). The command's exit
statuses, the ``family`` and ``exit_code`` of ``atlasconnect doctor --json``
(and its schema, ``doctor-schema.json``), the exit status table of the doctor's
documentation and the README are all this table; ``tests/test_families.py``
fails when one of them says otherwise.

The set is closed and small on purpose: a family is what a program or a
script branches on (which team to call, whether retrying can help), so a new
cause of failure becomes a ``reason`` of an existing error before it becomes a
family.
"""

from __future__ import annotations

import enum

__all__ = ["Family"]


class Family(enum.Enum):
    """A failure family: its name (the member's value) and the command's exit status.

    .. versionadded:: 0.1.0
    """

    exit_status: int
    """The exit status of ``atlasconnect`` and ``atlasconnect doctor`` for this family."""

    def __new__(cls, name: str, exit_status: int) -> Family:
        member = object.__new__(cls)
        member._value_ = name
        member.exit_status = exit_status
        return member

    ENVIRONMENT = "environment", 10
    """This Python cannot reach Atlas safely: SNI, TLS versions, the CA bundle, a package."""
    CONFIGURATION = "configuration", 11
    """The connection string or an option is malformed, or would lower the security."""
    DNS = "dns", 12
    """A name of the connection string cannot be resolved (the ``mongodb+srv://`` name)."""
    NETWORK_ACCESS = "network_access", 13
    """Atlas refused this machine: its public IP address is not on the IP access list."""
    CERTIFICATE = "certificate", 14
    """The server's certificate cannot be verified, or the server refused this client's."""
    TLS_VERSION = "tls_version", 15
    """The server refused every TLS version this client offers."""
    UNREACHABLE = "unreachable", 16
    """No server answered: refused, timed out, an unknown host, a closed connection."""
    AUTHENTICATION = "authentication", 17
    """The server refused the user name or the password."""
    NO_PRIMARY = "no_primary", 18
    """The servers answered, but none is the primary of the replica set named in the URI."""

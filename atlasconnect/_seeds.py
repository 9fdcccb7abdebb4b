"""Where the connection string comes from: an argument, pymongo's ``host`` and ``port``, or
the ``MONGODB_URI`` environment variable.

pymongo's ``host`` may be a connection string, a host name (``db1``,
``db1:27018``, ``[::1]``) or a list of host names: :func:`resolve` makes the
one connection string atlasconnect checks of any of them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from . import _address as address
from . import _uri_text as uri_text
from ._connection_string import SCHEME, ConcealedURI
from ._exceptions import ConnectionStringError

ENVIRONMENT_VARIABLE = "MONGODB_URI"
"""Where :func:`atlasconnect.connect` looks for the connection string when given none."""


def resolve(seeds: str | Sequence[str] | None, port: Any = None) -> ConcealedURI:
    """The connection string, from ``seeds`` as pymongo's ``host`` takes them.

    ``seeds`` is a URI, a host name (``"db1"``, ``"db1:27018"``) or a list of
    either, or None for the ``MONGODB_URI`` environment variable. Host names
    become ``mongodb://host:port,.../``, ``port`` being the port of a host
    written without one (pymongo's default, 27017, when None).
    """
    if seeds is None:
        seeds = uri_from_environment()
        if seeds is None:
            raise _no_connection_string_error()
    listed = seed_list(seeds)
    if not names_hosts(listed):
        return ConcealedURI(listed[0])
    hosts = (_with_port(uri_text.strip_surroundings(host), port) for host in listed)
    return ConcealedURI(SCHEME + ",".join(hosts) + "/")


def uri_from_environment() -> str | None:
    """The ``MONGODB_URI`` environment variable, None when unset or blank.

    Blank: empty once what may surround a connection string is removed
    (:func:`~atlasconnect._uri_text.strip_surroundings`), such as a lone newline.
    """
    value = os.environ.get(ENVIRONMENT_VARIABLE)
    return value if value is not None and uri_text.strip_surroundings(value) else None


def _no_connection_string_error() -> ConnectionStringError:
    state = "is not set" if ENVIRONMENT_VARIABLE not in os.environ else "is set but blank"
    return ConnectionStringError(
        f"No connection string was given and the {ENVIRONMENT_VARIABLE} environment "
        f"variable {state}.",
        why="atlasconnect needs to know which cluster to connect to.",
        fix=(
            f"pass it, connect('mongodb+srv://...'), or set {ENVIRONMENT_VARIABLE}; "
            "copy it from the Atlas UI: Database > Connect > Drivers > Python."
        ),
        redacted_uri=None,
    )


def seed_list(seeds: str | Sequence[str]) -> list[str]:
    """``seeds`` as a list: one URI, or host names only (pymongo's ``host`` argument)."""
    listed = [seeds] if isinstance(seeds, str) else seeds
    if not isinstance(listed, Sequence) or not all(isinstance(s, str) for s in listed):
        raise TypeError(
            "the connection string must be a str (or, as pymongo's host=, a list of str), "
            f"not {type(seeds).__name__}"
        )
    uris = [seed for seed in listed if "://" in seed]
    if not listed or (uris and len(listed) > 1):
        raise ConnectionStringError(
            f"host= holds {len(uris)} connection strings among {len(listed)} entries.",
            why="atlasconnect checks and protects one connection string per client.",
            fix="pass one connection string, or a list of host names (host:port).",
            redacted_uri=None,
        )
    return list(listed)


def names_hosts(seeds: Sequence[str]) -> bool:
    """Whether :func:`seed_list`'s ``seeds`` are host names rather than a connection string.

    pymongo's ``host`` may be host names (``db1``, ``db1:27018``, ``[::1]``, a
    percent-encoded socket path); several seeds are host names, and one that is
    not shaped as a host name is read as a connection string, so that an empty
    or pasted text is explained as one, not looked up as a host.
    """
    if len(seeds) > 1:
        return True
    first = uri_text.strip_surroundings(seeds[0])
    return "://" not in first and re.fullmatch(_HOST_SEED, first) is not None


# A string, compiled (and cached by re) at first use.
_HOST_SEED = (
    r"[A-Za-z0-9._%\-]+(:[0-9]*)?"  # a name or an IPv4 address, a socket path, a port
    r"|\[[0-9A-Za-z:.%]+\](:[0-9]*)?"  # [IPv6], a port
    r"|[0-9A-Fa-f.]*(:[0-9A-Fa-f.]*){2,}(%\w+)?"  # a bare IPv6 address
    r"|\S*\.sock"  # a Unix domain socket's path, which connect() refuses by name
)


def _with_port(host: str, port: Any) -> str:
    """``host`` with ``port`` unless it names one (pymongo's default when ``port`` is None);
    a Unix domain socket's path percent-encoded, as a URI writes it, without a port."""
    if address.is_unix_socket(host):
        return quote(host, safe="")
    return address.with_port(host, port)

"""``atlasconnect resolve``: the standard connection string of a ``mongodb+srv://`` one.

Atlas's own fallback for networks whose DNS cannot answer SRV queries is the
standard ``mongodb://`` string that lists every host. This is that string,
made from the cluster's records (looked up with the DNS servers asked for, as
a client of :func:`atlasconnect.connect` would): every host pymongo would use,
the TXT record's options, the connection string's own options, ``tls=true``;
the password written as ``<password>``, and any other secret as ``****``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import quote

from pymongo.errors import PyMongoError

from . import _address as address
from . import _connection_string as connection_string
from . import _dns_servers as dns_servers
from . import _pymongo_internals as pymongo_internals
from ._diagnosis import explain_construction_error
from ._exceptions import AtlasConnectError, ConnectionStringError
from ._plan import ConnectionPlan, service_name_of
from ._tls import DEFAULT_MIN_TLS_VERSION

# Options that only a mongodb+srv:// string may have.
_SRV_ONLY = frozenset({"srvservicename", "srvmaxhosts"})


class Resolved(NamedTuple):
    """What ``atlasconnect resolve`` found."""

    uri: str
    """The standard connection string."""
    hosts: int
    srv_name: str
    resolver: str
    """Which DNS servers answered: the ones asked for, or the system's configuration."""


def standard_connection_string(uri: str, servers: Sequence[str] | None, timeout: float) -> Resolved:
    """The ``mongodb://`` string equivalent to ``uri`` (a ``mongodb+srv://`` one).

    Raises atlasconnect's typed error for a string that is not one, or a lookup
    that fails (:class:`~atlasconnect.DNSResolutionError`).
    """
    parsed = connection_string.parse(uri)
    if not parsed.is_srv:
        raise ConnectionStringError(
            "The connection string already starts with mongodb://: it lists its hosts.",
            why="atlasconnect resolve turns a mongodb+srv:// string, whose hosts are in DNS, "
            "into the standard form that lists them.",
            fix="use the connection string as it is.",
            redacted_uri=parsed.redacted,
        )
    service = service_name_of(parsed, {}, servers)
    try:
        result = pymongo_internals.parse_uri(uri, connect_timeout=timeout, srv_service_name=service)
    except AtlasConnectError:  # pymongo no longer reads a URI as atlasconnect calls it
        raise
    except (PyMongoError, ValueError, TypeError, OSError) as exc:
        profile = ConnectionPlan.of(parsed, DEFAULT_MIN_TLS_VERSION, {}).profile._replace(
            dns_servers=service.servers if service is not None else None
        )
        raise explain_construction_error(exc, profile) from None
    hosts = [address.join(str(host), int(port)) for host, port in result["nodelist"]]
    options = _options(parsed, result["options"])
    return Resolved(
        uri=_standard(parsed, hosts, result["database"], options),
        hosts=len(hosts),
        srv_name=f"_{service or 'mongodb'}._tcp.{parsed.srv_host}",
        resolver=dns_servers.describe(service.servers if service is not None else None),
    )


def _options(parsed: connection_string.ConnectionString, read: dict[str, object]) -> list[str]:
    """The connection string's options as it may show them, then the TXT record's (which
    pymongo added to its reading), then ``tls=true``; none an SRV string alone may have."""
    shown = [
        f"{name}={value}"
        for name, value in parsed.shown_options.items()
        if name.lower() not in _SRV_ONLY
    ]
    written = {name.lower() for name in parsed.shown_options}
    from_txt = [
        f"{_TXT_OPTIONS[name.lower()]}={quote(_text(value), safe='')}"
        for name, value in read.items()
        if name.lower() in _TXT_OPTIONS and name.lower() not in written
    ]
    tls = [] if {"tls", "ssl"} & written else ["tls=true"]
    return [*shown, *from_txt, *tls]


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


# The options a cluster's TXT record may hold (MongoDB's SRV specification).
_TXT_OPTIONS = {name.lower(): name for name in ("authSource", "replicaSet", "loadBalanced")}


def _standard(
    parsed: connection_string.ConnectionString,
    hosts: list[str],
    database: str | None,
    options: list[str],
) -> str:
    userinfo = ""
    if parsed.user is not None:
        password = ":<password>" if parsed.password is not None else ""
        userinfo = f"{quote(parsed.user, safe='')}{password}@"
    path = quote(database, safe="") if database else ""
    query = f"?{'&'.join(options)}" if options else ""
    return f"mongodb://{userinfo}{','.join(hosts)}/{path}{query}"

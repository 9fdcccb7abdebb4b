"""DNS servers per client, for the SRV and TXT lookups of ``mongodb+srv://``.

pymongo looks these up with dnspython's default resolver, configured from
``/etc/resolv.conf`` (or the Windows registry): Termux/Android and some
sandboxes have none, some routers and VPN resolvers time out or answer SRV
queries with nothing. The fix passed around replaces
``dns.resolver.default_resolver`` for the whole process; atlasconnect takes
DNS servers per client instead (``dns_servers=["1.1.1.1", "127.0.0.1:5353"]``,
or ``ATLASCONNECT_DNS_SERVERS``), as the Java driver does.

The servers travel with the client, as the TLS floor does: the client's
``srvServiceName`` is a :class:`ServiceName`, the ``str`` pymongo expects that
also carries them, and the hook in :mod:`atlasconnect._pymongo_internals`
reads them from the resolver pymongo makes for each lookup, the first and
every rescan, in whatever thread. Nothing else in the process sees them.

A lookup that times out is tried once more, the two attempts sharing the
client's ``connectTimeoutMS``, as the Node driver does (NODE-6451).
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NamedTuple

from . import _address as address
from ._exceptions import ConnectionStringError

ENVIRONMENT_VARIABLE = "ATLASCONNECT_DNS_SERVERS"
"""DNS servers for every client whose code names none: comma-separated ``IP`` or ``IP:PORT``."""

DEFAULT_PORT = 53


class DNSServer(NamedTuple):
    """A DNS server: an IP address and a port."""

    ip: str
    port: int

    def __str__(self) -> str:
        return self.ip if self.port == DEFAULT_PORT else address.join(self.ip, self.port)


class ServiceName(str):
    """A client's ``srvServiceName`` that also carries its DNS servers (None: the system's)."""

    servers: tuple[DNSServer, ...] | None

    def __new__(cls, name: str, servers: tuple[DNSServer, ...] | None) -> ServiceName:
        instance = super().__new__(cls, name)
        instance.servers = servers
        return instance


def wanted(dns_servers: Sequence[str] | str | None) -> tuple[DNSServer, ...] | None:
    """A client's servers: ``dns_servers`` when given, else the variable; None: the system's."""
    if dns_servers is not None:
        entries = [dns_servers] if isinstance(dns_servers, str) else list(dns_servers)
        return parse(entries, "dns_servers") or None
    value = os.environ.get(ENVIRONMENT_VARIABLE, "")
    entries = [entry for entry in value.split(",") if entry.strip()]
    return parse(entries, f"the {ENVIRONMENT_VARIABLE} environment variable") or None


def parse(entries: Sequence[object], source: str) -> tuple[DNSServer, ...]:
    """Each entry as a :class:`DNSServer`: ``"IP"``, ``"IP:PORT"``, ``"[IPv6]:PORT"``."""
    return tuple(_parse_one(entry, source) for entry in entries)


def _parse_one(entry: object, source: str) -> DNSServer:
    text = entry.strip() if isinstance(entry, str) else None
    if text:
        host, port = _split(text)
        try:
            ip = str(ipaddress.ip_address(host))
        except ValueError:
            ip = None
        if ip is not None and port is not None and 0 < port < 65536:
            return DNSServer(ip, port)
    raise ConnectionStringError(
        f"{source} holds {entry!r}, which is not a DNS server's IP address.",
        why="DNS servers are named by IP address, with a port when it is not 53: a server "
        "named by host name would need DNS to be found.",
        fix=f"write each as 'IP' or 'IP:PORT', IPv6 in brackets with a port: "
        f"dns_servers=['1.1.1.1', '127.0.0.1:5353', '[::1]:53'] (or {ENVIRONMENT_VARIABLE}="
        "1.1.1.1,127.0.0.1:5353).",
        redacted_uri=None,
    )


def not_for_hosts_error(redacted_uri: str) -> ConnectionStringError:
    """``dns_servers`` given for a ``mongodb://`` connection string, which has no SRV lookup."""
    return ConnectionStringError(
        "dns_servers was given, but the connection string starts with mongodb://, whose "
        "hosts this machine's operating system resolves.",
        why="dns_servers are the servers of the SRV and TXT lookups of a mongodb+srv:// "
        "address; pymongo resolves the hosts of a mongodb:// string with the operating "
        "system, which they cannot change.",
        fix="use the mongodb+srv:// connection string Atlas gives with dns_servers, or leave "
        "dns_servers out.",
        redacted_uri=redacted_uri,
    )


def _split(text: str) -> tuple[str, int | None]:
    """``text`` as (address, port): a bare IPv6 address has colons and no port."""
    if text.count(":") > 1 and not text.startswith("["):
        return text, DEFAULT_PORT
    host, port = address.partition(text)
    if port is None:
        return host, DEFAULT_PORT
    return host, int(port) if port.isascii() and port.isdigit() else None


def describe(servers: tuple[DNSServer, ...] | None) -> str:
    """Which resolver answers: the servers chosen, or the system's configuration."""
    if servers is None:
        return "the system's resolver configuration"
    return ", ".join(map(str, servers))


def resolver(servers: tuple[DNSServer, ...] | None) -> Any:
    """A dnspython resolver that asks ``servers``; the default one when None (which raises
    ``NoResolverConfiguration`` when this machine has no configuration)."""
    import dns.resolver

    if servers is None:
        return dns.resolver.get_default_resolver()
    return _resolver(servers, dns.resolver.Resolver)


def _resolver(servers: tuple[DNSServer, ...], resolver_class: Any) -> Any:
    import dns.nameserver

    resolver = resolver_class(configure=False)
    resolver.nameservers = [dns.nameserver.Do53Nameserver(s.ip, s.port) for s in servers]
    return resolver


def lookup(
    original: Callable[..., Any], servers: tuple[DNSServer, ...] | None, *args: Any, **kwargs: Any
) -> Any:
    """pymongo's lookup (``original``), with the client's servers, retried once on a timeout."""
    import dns.exception
    import dns.resolver

    resolve = original if servers is None else _resolver(servers, dns.resolver.Resolver).resolve
    deadline, first = _attempts(kwargs)
    try:
        return resolve(*args, **{**kwargs, **first})
    except dns.exception.Timeout:
        return resolve(*args, **{**kwargs, **_rest(deadline)})


async def lookup_async(
    original: Callable[..., Awaitable[Any]],
    servers: tuple[DNSServer, ...] | None,
    *args: Any,
    **kwargs: Any,
) -> Any:
    """:func:`lookup` for the async client."""
    import dns.asyncresolver
    import dns.exception

    resolve = (
        original if servers is None else _resolver(servers, dns.asyncresolver.Resolver).resolve
    )
    deadline, first = _attempts(kwargs)
    try:
        return await resolve(*args, **{**kwargs, **first})
    except dns.exception.Timeout:
        return await resolve(*args, **{**kwargs, **_rest(deadline)})


def _attempts(kwargs: dict[str, Any]) -> tuple[float | None, dict[str, float]]:
    """The deadline of both attempts, and the first one's ``lifetime``: half of pymongo's."""
    lifetime = kwargs.get("lifetime")
    if not isinstance(lifetime, (int, float)) or lifetime <= 0:
        return None, {}
    return time.monotonic() + lifetime, {"lifetime": lifetime / 2}


def _rest(deadline: float | None) -> dict[str, float]:
    if deadline is None:
        return {}
    return {"lifetime": max(deadline - time.monotonic(), 0.001)}

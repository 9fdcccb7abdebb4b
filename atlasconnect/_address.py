"""A server's address as text: the one way atlasconnect joins and splits host and port.

pymongo gives an address as ``(host, port)``: a host name, an IPv4 address, an
IPv6 address without brackets (``"::1"``), or the path of a Unix domain socket
(a host ending in ``.sock``, port None). atlasconnect writes it as a connection
string does: ``host:port``, ``[::1]:27017`` (brackets, or the port would read
as part of the address), a socket path alone. pymongo's own messages write
``"%s:%d"``, so an IPv6 address there has no brackets (``::1:27017: [Errno
111] ...``): :func:`split` reads both forms, and :func:`normalized` turns
either into atlasconnect's.
"""

from __future__ import annotations

SOCKET_SUFFIX = ".sock"
"""pymongo's rule: a host that ends with this is the path of a Unix domain socket."""


def is_unix_socket(host: str) -> bool:
    return host.endswith(SOCKET_SUFFIX)


def join(host: str, port: int | None) -> str:
    """``host:port``; ``[host]:port`` for an IPv6 address; the path alone for a socket."""
    if port is None:
        return host
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def split(address: str) -> tuple[str, int | None]:
    """``(host, port)`` of ``address`` in atlasconnect's form or pymongo's; port None when
    it has none (a socket path, a host written without one, a port that is not a number)."""
    if address.startswith("["):
        host, _, rest = address[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif is_unix_socket(address):
        return address, None
    else:
        host, colon, port = address.rpartition(":")
        if not colon:
            return address, None
    return host, int(port) if port.isdigit() else None


def host_of(address: str) -> str:
    """The host of ``address``, without brackets."""
    host, port = split(address)
    return host if port is not None or address.startswith("[") else address


def normalized(address: str) -> str:
    """``address`` as :func:`join` writes it (pymongo's ``::1:27017`` is ``[::1]:27017``)."""
    host, port = split(address)
    return join(host, port) if port is not None else address

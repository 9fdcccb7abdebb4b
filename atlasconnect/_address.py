"""A server's address as text: the one way atlasconnect joins and splits host and port.

pymongo gives an address as ``(host, port)``: a host name, an IPv4 address, an
IPv6 address without brackets (``"::1"``), or the path of a Unix domain socket
(a host ending in ``.sock``, port None). atlasconnect writes it as a connection
string does: ``host:port``, ``[::1]:27017`` (brackets, or the port would read
as part of the address), a socket path alone. pymongo's own messages write
``"%s:%d"``, so an IPv6 address there has no brackets (``::1:27017: [Errno
111] ...``): :func:`split` reads both forms, and :func:`normalized` turns
either into atlasconnect's. A host given as pymongo's ``host=`` takes it
(``db1``, ``db1:27018``, ``[::1]``, or a bare ``::1``, which has no port) is
written into a connection string by :func:`with_port`.
"""

from __future__ import annotations

SOCKET_SUFFIX = ".sock"
"""pymongo's rule: a host that ends with this is the path of a Unix domain socket."""


def is_unix_socket(host: str) -> bool:
    return host.endswith(SOCKET_SUFFIX)


def join(host: str, port: int | str | None) -> str:
    """``host:port``; ``[host]:port`` for an IPv6 address; the path alone for a socket.

    ``port`` may be text: a port as written, or a placeholder in a command."""
    if port is None:
        return host
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def split(address: str) -> tuple[str, int | None]:
    """``(host, port)`` of ``address`` in atlasconnect's form or pymongo's; port None when
    it has none (a socket path, a host written without one, a port that is not a number)."""
    host, port = partition(address)
    return host, int(port) if port is not None and port.isdigit() else None


def partition(address: str) -> tuple[str, str | None]:
    """``(host, port as written)`` of ``address``, the host without brackets; port None
    when it names none (a socket path, a host written without one)."""
    if address.startswith("["):
        host, _, rest = address[1:].partition("]")
        return host, rest[1:] if rest.startswith(":") else None
    if is_unix_socket(address):
        return address, None
    host, colon, port = address.rpartition(":")
    return (host, port) if colon else (address, None)


def with_port(seed: str, port: int | None) -> str:
    """A host as pymongo's ``host=`` takes it, as a connection string writes it: with
    ``port`` unless it names one (None: none added, pymongo's default applies); a bare IPv6
    address, which has no port, in brackets. A port written stays as written (pymongo
    judges it), and so does a socket path."""
    if seed.startswith("["):  # [IPv6] or [IPv6]:port
        return seed if "]:" in seed or port is None else f"{seed}:{port}"
    if seed.count(":") > 1:  # a bare IPv6 address
        return join(seed, port) if port is not None else f"[{seed}]"
    return seed if ":" in seed or port is None or is_unix_socket(seed) else join(seed, port)


def host_of(address: str) -> str:
    """The host of ``address``, without brackets."""
    host, port = split(address)
    return host if port is not None or address.startswith("[") else address


def normalized(address: str) -> str:
    """``address`` as :func:`join` writes it (pymongo's ``::1:27017`` is ``[::1]:27017``)."""
    host, port = split(address)
    return join(host, port) if port is not None else address

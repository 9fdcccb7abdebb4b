"""The TLS versions a ClientHello offers, read from its bytes.

pyOpenSSL's context has no getter for its minimum TLS version: the floor on
it is proven by what a connection made with it offers
(:func:`atlasconnect._pymongo_internals.lowest_offered_version`).
"""

from __future__ import annotations

_SUPPORTED_VERSIONS = 43
"""The ClientHello extension that lists the versions offered (RFC 8446, 4.2.1)."""


def offered_versions(client_hello: bytes) -> set[int]:
    """The TLS versions (``0x0303`` is TLS 1.2) a ClientHello record offers; empty if garbled.

    The supported_versions extension when present, else the legacy version
    field (RFC 8446, 4.1.2).
    """
    body = client_hello[5 + 4 :]  # after the record and handshake headers
    position = 2 + 32  # legacy_version, random
    try:
        position += 1 + body[position]  # session id
        position += 2 + _uint16(body, position)  # cipher suites
        position += 1 + body[position]  # compression methods
        end = position + 2 + _uint16(body, position)
        position += 2
        while position + 4 <= end:
            kind, size = _uint16(body, position), _uint16(body, position + 2)
            data = body[position + 4 : position + 4 + size]
            if kind == _SUPPORTED_VERSIONS:
                return {_uint16(data, index) for index in range(1, 1 + data[0], 2)}
            position += 4 + size
        return {_uint16(body, 0)}
    except IndexError:
        return set()


def _uint16(data: bytes, position: int) -> int:
    if position + 2 > len(data):
        raise IndexError(position)
    return int.from_bytes(data[position : position + 2], "big")

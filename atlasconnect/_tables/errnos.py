"""The errors a TCP connection or a name lookup can fail with, as each platform prints them.

pymongo reports a server it cannot reach as ``host:port: <the OSError's text>``
(with `` (configured timeouts: ...)`` after it in pymongo 4.9 and newer), and the
asyncio transport of ``AsyncMongoClient`` as ``[Errno N] Connect call failed
('address', port)``. The OSError's text is ``[Errno N] <strerror>`` on Linux and
macOS, ``[WinError N] <system message>`` on Windows for a socket error, and
``[Errno N] <gai_strerror>`` for a failed name lookup (``socket.gaierror``; on
Windows CPython prints ``getaddrinfo failed`` for every lookup error).

Sources:

- Linux: the ``E*`` constants of ``errno.h`` and glibc's ``strerror`` texts, as
  Python's ``errno`` module and ``os.strerror`` give them on this Linux (the tests
  compare every Linux row with both); ``getaddrinfo`` errors (``EAI_*``) from
  glibc's ``netdb.h`` and ``gai_strerror``, compared with the ``socket`` module's
  ``EAI_*`` constants.
- macOS: ``sys/errno.h`` of Apple's XNU (``bsd/sys/errno.h``) and the texts of its
  libc's ``strerror`` (``Connection refused``, ``Operation timed out``, ``Can't
  assign requested address``...), and ``EAI_NONAME`` = 8 with its ``gai_strerror``
  text ``nodename nor servname provided, or not known``.
- Windows: Microsoft's "System Error Codes (9000-11999)" page
  (https://learn.microsoft.com/en-us/windows/win32/debug/system-error-codes--9000-11999-),
  which gives the ``WSAE*`` numbers and the system messages ``FormatMessage``
  returns, the texts Python prints after ``[WinError N]``; read through quotations
  of that page, which the stored corpus holds but not the page itself. Python on
  Windows prints ``[Errno 11001] getaddrinfo failed`` for a failed lookup.

``reason`` is that of :class:`atlasconnect.ServerUnreachableError` where one fits:
``refused``, ``timed_out``, ``name_not_resolved``, ``closed`` (reset or aborted),
and, for this table, ``name_lookup_failed`` (the DNS server did not answer: it may
pass), ``network_unreachable``, ``host_unreachable``,
``access_denied`` (a local firewall or policy refused the connection),
``address_unavailable`` (no usable local address, often IPv6 without a route) and
``resources`` (this machine ran out of sockets or memory).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from . import load
from . import row as _row

__all__ = ["ERRNOS", "Errno", "errno_of"]

Platform = Literal["linux", "macos", "windows"]
ErrnoReason = Literal[
    "refused",
    "timed_out",
    "name_not_resolved",
    "name_lookup_failed",
    "closed",
    "network_unreachable",
    "host_unreachable",
    "access_denied",
    "address_unavailable",
    "resources",
]


class Errno(NamedTuple):
    platform: Platform
    number: int
    symbol: str
    """The C name: ``ECONNREFUSED``, ``WSAECONNREFUSED``, ``EAI_NONAME``..."""
    printed: str
    """What Python prints: ``[Errno 111] Connection refused``."""
    reason: ErrnoReason
    meaning: str
    fix: str


_ROWS: tuple[Errno, ...] = tuple(_row(Errno, row) for row in load("errnos"))

ERRNOS: dict[tuple[Platform, int], Errno] = {(row.platform, row.number): row for row in _ROWS}
"""Every row, by (platform, number)."""


def errno_of(text: str) -> Errno | None:
    """The row whose printed form (``[Errno 111] Connection refused``) is in ``text``.

    A number alone is ambiguous across platforms (61 is ENODATA on Linux and
    ECONNREFUSED on macOS), so the whole printed form must match, letter case ignored.
    """
    lowered = text.lower()
    for row in _ROWS:
        if row.printed.lower() in lowered:
            return row
    return None

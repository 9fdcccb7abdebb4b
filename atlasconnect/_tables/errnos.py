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


_REFUSED = (
    "the server's machine answered, but nothing accepts connections on this port, or a "
    "firewall rejected the connection: a wrong port, a server that is not running, or a "
    "local MongoDB the string points to by mistake (localhost)."
)
_REFUSED_FIX = (
    "check the host and port against the connection string Atlas shows (Database > Connect > "
    "Drivers; Atlas listens on 27017): a string that names localhost or 127.0.0.1 is not "
    "Atlas's."
)
_TIMED_OUT = (
    "no answer to the connection: a firewall drops outbound traffic to port 27017, the "
    "cluster is paused, or this machine's IP address is blocked on the way."
)
_TIMED_OUT_FIX = (
    "allow outbound TCP to port 27017 (ask your network team, or try from another network), "
    "resume the cluster in Atlas if it is paused, and add this machine's IP address under "
    "Security > Network Access."
)
_NOT_RESOLVED = (
    "DNS does not know the host name: a typo, a deleted cluster, or a name only a VPN's DNS knows."
)
_NOT_RESOLVED_FIX = (
    "compare the host with the connection string Atlas shows (Database > Connect > Drivers); "
    "with mongodb+srv://, use the cluster's name, not a server's."
)
_LOOKUP_FAILED = (
    "the name lookup failed for now: this machine's DNS server did not answer (no network, "
    "a VPN that is connecting, a resolver that is down)."
)
_LOOKUP_FAILED_FIX = (
    "check this machine's network and DNS settings (`nslookup <host>` must answer), then retry."
)
_NETWORK = (
    "this machine has no route to the server's network: no network connection, or no "
    "route for this address family (IPv6 without IPv6 connectivity)."
)
_NETWORK_FIX = (
    "check this machine's network connection and VPN; if only IPv6 fails, make sure the "
    "machine has IPv6 connectivity, or use a network that has it."
)
_HOST = (
    "a router reported the server's address as unreachable: a firewall rule that rejects "
    "the traffic, or a private endpoint address used from outside its network."
)
_HOST_FIX = (
    "use the host names Atlas shows for where this machine runs (public, or the private "
    "endpoint's from inside its cloud network), and allow outbound TCP to port 27017."
)
_RESET = (
    "the connection was cut by the other side or by a device in between: often Atlas "
    "refusing an IP address that is not on the access list, or a proxy or firewall that "
    "ends connections to port 27017."
)
_RESET_FIX = (
    "add this machine's public IP address in Atlas under Security > Network Access, and "
    "check whether a proxy or firewall inspects or limits port 27017."
)
_ACCESS = (
    "this machine refused to open the connection: a local firewall, an antivirus, or a "
    "sandbox policy (SELinux, a container without network access)."
)
_ACCESS_FIX = (
    "allow this program outbound TCP to port 27017 in the local firewall or antivirus, or run "
    "it where network access is allowed."
)
_ADDRESS = (
    "this machine has no local address to connect from for this destination (an IPv6 "
    "address without an IPv6 route, or no ephemeral ports left)."
)
_ADDRESS_FIX = (
    "check the machine's network configuration; if it opens and closes many connections, "
    "reuse one MongoClient instead of creating one per request."
)
_RESOURCES = "this machine ran out of sockets, file descriptors or network buffers."
_RESOURCES_FIX = (
    "reuse one MongoClient per process instead of creating one per request, lower "
    "maxPoolSize, and raise the open-file limit (`ulimit -n`)."
)

_ROWS = (
    # Linux (glibc).
    Errno(
        "linux",
        111,
        "ECONNREFUSED",
        "[Errno 111] Connection refused",
        "refused",
        _REFUSED,
        _REFUSED_FIX,
    ),
    Errno(
        "linux",
        110,
        "ETIMEDOUT",
        "[Errno 110] Connection timed out",
        "timed_out",
        _TIMED_OUT,
        _TIMED_OUT_FIX,
    ),
    Errno(
        "linux",
        113,
        "EHOSTUNREACH",
        "[Errno 113] No route to host",
        "host_unreachable",
        _HOST,
        _HOST_FIX,
    ),
    Errno(
        "linux",
        101,
        "ENETUNREACH",
        "[Errno 101] Network is unreachable",
        "network_unreachable",
        _NETWORK,
        _NETWORK_FIX,
    ),
    Errno(
        "linux",
        100,
        "ENETDOWN",
        "[Errno 100] Network is down",
        "network_unreachable",
        _NETWORK,
        _NETWORK_FIX,
    ),
    Errno(
        "linux", 112, "EHOSTDOWN", "[Errno 112] Host is down", "host_unreachable", _HOST, _HOST_FIX
    ),
    Errno(
        "linux",
        104,
        "ECONNRESET",
        "[Errno 104] Connection reset by peer",
        "closed",
        _RESET,
        _RESET_FIX,
    ),
    Errno(
        "linux",
        103,
        "ECONNABORTED",
        "[Errno 103] Software caused connection abort",
        "closed",
        _RESET,
        _RESET_FIX,
    ),
    Errno("linux", 32, "EPIPE", "[Errno 32] Broken pipe", "closed", _RESET, _RESET_FIX),
    Errno(
        "linux",
        13,
        "EACCES",
        "[Errno 13] Permission denied",
        "access_denied",
        _ACCESS,
        _ACCESS_FIX,
    ),
    Errno(
        "linux",
        1,
        "EPERM",
        "[Errno 1] Operation not permitted",
        "access_denied",
        _ACCESS,
        _ACCESS_FIX,
    ),
    Errno(
        "linux",
        99,
        "EADDRNOTAVAIL",
        "[Errno 99] Cannot assign requested address",
        "address_unavailable",
        _ADDRESS,
        _ADDRESS_FIX,
    ),
    Errno(
        "linux",
        97,
        "EAFNOSUPPORT",
        "[Errno 97] Address family not supported by protocol",
        "address_unavailable",
        _ADDRESS,
        _ADDRESS_FIX,
    ),
    Errno(
        "linux",
        24,
        "EMFILE",
        "[Errno 24] Too many open files",
        "resources",
        _RESOURCES,
        _RESOURCES_FIX,
    ),
    Errno(
        "linux",
        105,
        "ENOBUFS",
        "[Errno 105] No buffer space available",
        "resources",
        _RESOURCES,
        _RESOURCES_FIX,
    ),
    Errno(
        "linux",
        -2,
        "EAI_NONAME",
        "[Errno -2] Name or service not known",
        "name_not_resolved",
        _NOT_RESOLVED,
        _NOT_RESOLVED_FIX,
    ),
    Errno(
        "linux",
        -3,
        "EAI_AGAIN",
        "[Errno -3] Temporary failure in name resolution",
        "name_lookup_failed",
        _LOOKUP_FAILED,
        _LOOKUP_FAILED_FIX,
    ),
    Errno(
        "linux",
        -5,
        "EAI_NODATA",
        "[Errno -5] No address associated with hostname",
        "name_not_resolved",
        "the host name exists in DNS but has no address: an Atlas cluster's name used as a "
        "host of mongodb:// (it has only SRV and TXT records), or a server without one for "
        "this address family.",
        "write the connection string as mongodb+srv://USER:PASSWORD@<cluster name>/ as Atlas "
        "shows it under Database > Connect > Drivers.",
    ),
    Errno(
        "linux",
        -4,
        "EAI_FAIL",
        "[Errno -4] Non-recoverable failure in name resolution",
        "name_lookup_failed",
        _LOOKUP_FAILED,
        _LOOKUP_FAILED_FIX,
    ),
    # macOS (XNU and its libc).
    Errno(
        "macos",
        61,
        "ECONNREFUSED",
        "[Errno 61] Connection refused",
        "refused",
        _REFUSED,
        _REFUSED_FIX,
    ),
    Errno(
        "macos",
        60,
        "ETIMEDOUT",
        "[Errno 60] Operation timed out",
        "timed_out",
        _TIMED_OUT,
        _TIMED_OUT_FIX,
    ),
    Errno(
        "macos",
        65,
        "EHOSTUNREACH",
        "[Errno 65] No route to host",
        "host_unreachable",
        _HOST,
        _HOST_FIX,
    ),
    Errno(
        "macos",
        51,
        "ENETUNREACH",
        "[Errno 51] Network is unreachable",
        "network_unreachable",
        _NETWORK,
        _NETWORK_FIX,
    ),
    Errno(
        "macos",
        50,
        "ENETDOWN",
        "[Errno 50] Network is down",
        "network_unreachable",
        _NETWORK,
        _NETWORK_FIX,
    ),
    Errno(
        "macos", 64, "EHOSTDOWN", "[Errno 64] Host is down", "host_unreachable", _HOST, _HOST_FIX
    ),
    Errno(
        "macos",
        54,
        "ECONNRESET",
        "[Errno 54] Connection reset by peer",
        "closed",
        _RESET,
        _RESET_FIX,
    ),
    Errno(
        "macos",
        53,
        "ECONNABORTED",
        "[Errno 53] Software caused connection abort",
        "closed",
        _RESET,
        _RESET_FIX,
    ),
    Errno("macos", 32, "EPIPE", "[Errno 32] Broken pipe", "closed", _RESET, _RESET_FIX),
    Errno(
        "macos",
        13,
        "EACCES",
        "[Errno 13] Permission denied",
        "access_denied",
        _ACCESS,
        _ACCESS_FIX,
    ),
    Errno(
        "macos",
        1,
        "EPERM",
        "[Errno 1] Operation not permitted",
        "access_denied",
        _ACCESS,
        _ACCESS_FIX,
    ),
    Errno(
        "macos",
        49,
        "EADDRNOTAVAIL",
        "[Errno 49] Can't assign requested address",
        "address_unavailable",
        _ADDRESS,
        _ADDRESS_FIX,
    ),
    Errno(
        "macos",
        47,
        "EAFNOSUPPORT",
        "[Errno 47] Address family not supported by protocol family",
        "address_unavailable",
        _ADDRESS,
        _ADDRESS_FIX,
    ),
    Errno(
        "macos",
        24,
        "EMFILE",
        "[Errno 24] Too many open files",
        "resources",
        _RESOURCES,
        _RESOURCES_FIX,
    ),
    Errno(
        "macos",
        55,
        "ENOBUFS",
        "[Errno 55] No buffer space available",
        "resources",
        _RESOURCES,
        _RESOURCES_FIX,
    ),
    Errno(
        "macos",
        8,
        "EAI_NONAME",
        "[Errno 8] nodename nor servname provided, or not known",
        "name_not_resolved",
        _NOT_RESOLVED,
        _NOT_RESOLVED_FIX,
    ),
    Errno(
        "macos",
        2,
        "EAI_AGAIN",
        "[Errno 2] Temporary failure in name resolution",
        "name_lookup_failed",
        _LOOKUP_FAILED,
        _LOOKUP_FAILED_FIX,
    ),
    # Windows (Winsock; the system messages FormatMessage returns).
    Errno(
        "windows",
        10061,
        "WSAECONNREFUSED",
        "[WinError 10061] No connection could be made because the target machine actively "
        "refused it",
        "refused",
        _REFUSED,
        _REFUSED_FIX,
    ),
    Errno(
        "windows",
        10060,
        "WSAETIMEDOUT",
        "[WinError 10060] A connection attempt failed because the connected party did not "
        "properly respond after a period of time, or established connection failed because "
        "connected host has failed to respond",
        "timed_out",
        _TIMED_OUT,
        _TIMED_OUT_FIX,
    ),
    Errno(
        "windows",
        10065,
        "WSAEHOSTUNREACH",
        "[WinError 10065] A socket operation was attempted to an unreachable host",
        "host_unreachable",
        _HOST,
        _HOST_FIX,
    ),
    Errno(
        "windows",
        10051,
        "WSAENETUNREACH",
        "[WinError 10051] A socket operation was attempted to an unreachable network",
        "network_unreachable",
        _NETWORK,
        _NETWORK_FIX,
    ),
    Errno(
        "windows",
        10050,
        "WSAENETDOWN",
        "[WinError 10050] A socket operation encountered a dead network",
        "network_unreachable",
        _NETWORK,
        _NETWORK_FIX,
    ),
    Errno(
        "windows",
        10064,
        "WSAEHOSTDOWN",
        "[WinError 10064] A socket operation failed because the destination host was down",
        "host_unreachable",
        _HOST,
        _HOST_FIX,
    ),
    Errno(
        "windows",
        10054,
        "WSAECONNRESET",
        "[WinError 10054] An existing connection was forcibly closed by the remote host",
        "closed",
        _RESET,
        _RESET_FIX,
    ),
    Errno(
        "windows",
        10053,
        "WSAECONNABORTED",
        "[WinError 10053] An established connection was aborted by the software in your host "
        "machine",
        "closed",
        _RESET,
        _RESET_FIX,
    ),
    Errno(
        "windows",
        10013,
        "WSAEACCES",
        "[WinError 10013] An attempt was made to access a socket in a way forbidden by its "
        "access permissions",
        "access_denied",
        _ACCESS,
        _ACCESS_FIX,
    ),
    Errno(
        "windows",
        10049,
        "WSAEADDRNOTAVAIL",
        "[WinError 10049] The requested address is not valid in its context",
        "address_unavailable",
        _ADDRESS,
        _ADDRESS_FIX,
    ),
    Errno(
        "windows",
        10055,
        "WSAENOBUFS",
        "[WinError 10055] An operation on a socket could not be performed because the system "
        "lacked sufficient buffer space or because a queue was full",
        "resources",
        _RESOURCES,
        _RESOURCES_FIX,
    ),
    Errno(
        "windows",
        11001,
        "WSAHOST_NOT_FOUND",
        "[Errno 11001] getaddrinfo failed",
        "name_not_resolved",
        _NOT_RESOLVED,
        _NOT_RESOLVED_FIX,
    ),
    Errno(
        "windows",
        11002,
        "WSATRY_AGAIN",
        "[Errno 11002] getaddrinfo failed",
        "name_lookup_failed",
        _LOOKUP_FAILED,
        _LOOKUP_FAILED_FIX,
    ),
    Errno(
        "windows",
        11004,
        "WSANO_DATA",
        "[Errno 11004] getaddrinfo failed",
        "name_not_resolved",
        "the host name exists in DNS but has no address of the kind asked for: often an "
        "Atlas cluster's name used as a host of mongodb:// (it has only SRV and TXT records).",
        "write the connection string as mongodb+srv://USER:PASSWORD@<cluster name>/ as Atlas "
        "shows it under Database > Connect > Drivers.",
    ),
)

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

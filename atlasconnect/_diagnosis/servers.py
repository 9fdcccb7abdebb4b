"""Each server's error, read: which server, and what kind of failure its text says.

The texts come from the stdlib ``ssl`` module, pyOpenSSL, asyncio, the socket
layer and pymongo, and are read the same way whether they come from a live
client's topology description or from a text someone pasted. Also the few
facts about a set of servers every family asks (are they Atlas's, were their
names hidden) and the commands that test a server from this machine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from typing import Any

from pymongo import AsyncMongoClient, MongoClient

from .. import _address as address_text
from .. import _atlas as atlas
from .. import _shell as shell


class Kind(Enum):
    """What one server's error says, most telling first."""

    CERTIFICATE_EXPIRED = "certificate expired"
    HOSTNAME_MISMATCH = "host name mismatch"
    CERTIFICATE_UNTRUSTED = "certificate not trusted"
    OCSP = "OCSP check failed"
    CERTIFICATE_UNVERIFIED = "certificate verification failed"
    CLIENT_CERTIFICATE_EXPIRED = "client certificate refused as expired"
    CLIENT_CERTIFICATE_UNTRUSTED = "client certificate of a CA the server does not trust"
    CLIENT_CERTIFICATE_REQUIRED = "client certificate required"
    CLIENT_CERTIFICATE_REFUSED = "client certificate refused"
    PROTOCOL_VERSION = "TLS version refused"
    HANDSHAKE_FAILURE = "TLS handshake failure"
    ALERT_INTERNAL_ERROR = "TLS alert 80 (internal error)"
    HANDSHAKE_TIMED_OUT = "TLS handshake timed out"
    CLOSED = "connection closed"
    UNKNOWN_HOST = "host name unknown"
    NO_ROUTE = "no route to the server"
    REFUSED = "connection refused"
    TIMED_OUT = "timed out"
    NO_ANSWER = "no answer within serverSelectionTimeoutMS"
    OTHER = "other"


# Texts of the stdlib ssl module, pyOpenSSL, asyncio, the socket layer and pymongo
# ("No servers found yet": none has answered, not even with an error), in Kind
# order: "certificate verify failed" alone (pyOpenSSL) comes after the precise
# reasons. Under pyOpenSSL a host name the certificate does not cover is
# service_identity's CertificateError, which some pymongo releases name
# SICertificateError in their text. asyncio reports a handshake cut short by the
# peer with no text at all ("SSL handshake failed: host:port:  (configured
# timeouts...") and a refused connection as "[Errno 111] Connect call failed
# (...)" (61 on macOS, 10061 on Windows).
CLIENT_CERTIFICATE_ALERT = (
    r"alert[ _](bad[ _]certificate|certificate[ _](?:unknown|revoked)|unsupported[ _]certificate)"
)


# The patterns are compiled at first use (re caches them), not at import: a process that
# never fails does not pay for them.
_KIND_PATTERNS = [
    (Kind.CERTIFICATE_EXPIRED, r"certificate has expired|certificate is not yet valid"),
    (
        Kind.HOSTNAME_MISMATCH,
        r"hostname mismatch|DNSMismatch|IPAddressMismatch|doesn't match|SICertificateError",
    ),
    (
        Kind.CERTIFICATE_UNTRUSTED,
        r"unable to get (?:local )?issuer|self[- ]signed certificate"
        r"|unable to verify the first certificate|certificate not trusted",
    ),
    (Kind.OCSP, r"invalid status response|\bocsp\b"),
    (Kind.CERTIFICATE_UNVERIFIED, r"certificate[ _]verify[ _]failed"),
    # The alerts a server sends about the client's certificate ("sslv3 alert", "tlsv1
    # alert", "tlsv13 alert", or "tls alert" in OpenSSL 3.2 and newer).
    (Kind.CLIENT_CERTIFICATE_EXPIRED, r"alert[ _]certificate[ _]expired"),
    (Kind.CLIENT_CERTIFICATE_UNTRUSTED, r"alert[ _]unknown[ _]ca"),
    (Kind.CLIENT_CERTIFICATE_REQUIRED, r"alert[ _]certificate[ _]required"),
    (Kind.CLIENT_CERTIFICATE_REFUSED, CLIENT_CERTIFICATE_ALERT),
    (Kind.PROTOCOL_VERSION, r"alert protocol version|unsupported protocol|no protocols available"),
    (Kind.HANDSHAKE_FAILURE, r"alert handshake failure|no shared cipher|no ciphers available"),
    (Kind.ALERT_INTERNAL_ERROR, r"alert[ _]internal[ _]error"),
    (Kind.HANDSHAKE_TIMED_OUT, r"handshake operation timed out"),
    (
        Kind.CLOSED,
        r"connection (?:is (?:already )?)?closed|unexpected eof|eof occurred|econnreset"
        r"|connection reset"
        r"|ssl handshake failed: \S+:\s*(?:\(configured timeouts|$)",
    ),
    (
        Kind.UNKNOWN_HOST,
        r"name or service not known|nodename nor servname|getaddrinfo failed"
        r"|no address associated with hostname|temporary failure in name resolution",
    ),
    (
        Kind.NO_ROUTE,
        r"no route to host|network is unreachable|network is down|host is down"
        r"|unreachable (?:host|network)|dead network",
    ),
    (
        Kind.REFUSED,
        r"connection refused|econnrefused|actively refused"
        r"|errno (?:111|61|10061)\] connect call failed",
    ),
    (Kind.TIMED_OUT, r"timed out"),
    (Kind.NO_ANSWER, r"no answer within serverSelectionTimeoutMS|found yet"),
]


CERTIFICATE_KINDS = {
    Kind.CERTIFICATE_EXPIRED: "expired",
    Kind.HOSTNAME_MISMATCH: "hostname_mismatch",
    Kind.CERTIFICATE_UNTRUSTED: "untrusted",
    Kind.OCSP: "ocsp",
    Kind.CERTIFICATE_UNVERIFIED: "unverified",
    Kind.CLIENT_CERTIFICATE_EXPIRED: "client_certificate_expired",
    Kind.CLIENT_CERTIFICATE_UNTRUSTED: "client_certificate_untrusted",
    Kind.CLIENT_CERTIFICATE_REQUIRED: "client_certificate_required",
    Kind.CLIENT_CERTIFICATE_REFUSED: "client_certificate_refused",
}


REFUSED_HANDSHAKE_KINDS = {
    Kind.PROTOCOL_VERSION: "alert protocol version",
    Kind.HANDSHAKE_FAILURE: "handshake failure",
}


# A host name may start only where a run of host-name characters starts (the
# lookbehind): otherwise every position inside a long run is tried again, and
# a long text without "host:port: " takes quadratic time.
# A host name a user redacted before pasting ("<shard-host-1>") counts as one; a
# name starts with a letter or digit, so OpenSSL's "_ssl.c:989: " is not one.
# An IPv6 address comes in brackets, or as pymongo writes it ("%s:%d"), without:
# "::1:27017: ", "fe80::1%eth0:27017: " (three colons at least, with the port's).
_ADDRESS = (
    r"(?:\[[0-9a-fA-F:.]+(?:%[\w.-]+)?\]|<[^<>\s]+>"
    r"|(?<![A-Za-z0-9_.<-])[A-Za-z0-9][A-Za-z0-9_.-]*"
    r"|(?<![A-Za-z0-9_.:%<\[-])[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}(?:%[\w.-]+)?"
    r"):\d+(?=: )"
)


# An AutoReconnect with one of these kinds failed to open a connection, in a way
# that retrying will not cure; other kinds (closed, timed out) are also what a
# connection dropped in the middle of an operation says, which pymongo retries.
ESTABLISHMENT_KINDS = frozenset(
    {*CERTIFICATE_KINDS, *REFUSED_HANDSHAKE_KINDS, Kind.ALERT_INTERNAL_ERROR}
    | {Kind.UNKNOWN_HOST, Kind.REFUSED, Kind.NO_ROUTE}
)


def kind_of(error_text: str) -> Kind:
    """The kind of failure one server's error text describes; the first pattern that matches.

    Read in the words of the text, never inside a server's name: a host named
    ``ocsp-db`` or ``refused.example.net`` says nothing. A text none of the
    patterns knows is looked up in the table of the errno values a connection
    fails with (a localized Windows message keeps its ``[WinError N]``).
    """
    words = _without_names(error_text)
    for kind, pattern in _KIND_PATTERNS:
        if re.search(pattern, words, re.IGNORECASE):
            return kind
    return _kind_of_errno(words)


# The names in a server's error text: host:port (pymongo's prefix), a (host, port) of a
# topology description, a connection string, a quoted name a certificate error names.
_NAMES = _ADDRESS + r"|\('[^']*', \d+\)|mongodb(?:\+srv)?://\S+|(?<=for ')[^']*(?=')"


def _without_names(text: str) -> str:
    return re.sub(_NAMES, "<name>", text)


# What the errno table's reasons mean as kinds of failure.
_ERRNO_KINDS = {
    "refused": Kind.REFUSED,
    "timed_out": Kind.TIMED_OUT,
    "name_not_resolved": Kind.UNKNOWN_HOST,
    "name_lookup_failed": Kind.UNKNOWN_HOST,
    "closed": Kind.CLOSED,
    "network_unreachable": Kind.NO_ROUTE,
    "host_unreachable": Kind.NO_ROUTE,
}


def _kind_of_errno(words: str) -> Kind:
    from .._tables import errnos

    row = errnos.errno_of(words)
    if row is None:
        windows = re.search(r"\[WinError (\d+)\]", words)
        row = errnos.ERRNOS.get(("windows", int(windows.group(1)))) if windows else None
    return _ERRNO_KINDS.get(row.reason, Kind.OTHER) if row is not None else Kind.OTHER


def server_errors_of(client: Any) -> dict[str, str]:
    """Each server's last error, from the client's topology description (public API).

    Empty for anything that is not a pymongo client.
    """
    if not isinstance(client, (MongoClient, AsyncMongoClient)):
        return {}
    return {
        address_text.join(host, port): str(description.error)
        for (host, port), description in client.topology_description.server_descriptions().items()
        if description.error is not None
    }


def split_message(message: str) -> dict[str, str]:
    """Per-server errors from an AutoReconnect's text, a ServerSelectionTimeoutError's
    without the topology repr (which names the servers when the text does not)."""
    text = message.split(", Timeout: ", 1)[0]
    addresses = list(re.finditer(_ADDRESS, text))
    if not addresses:
        return _described_servers(message, text) or {UNKNOWN_SERVER: text}
    # The first server's text keeps what comes before its address ("SSL handshake failed: ").
    bounds = [0, *(address.start() for address in addresses[1:]), len(text)]
    return {
        address_text.normalized(address.group()): text[start:end]
        for address, start, end in zip(addresses, bounds, bounds[1:], strict=False)
    }


_DESCRIBED_SERVER = r"<ServerDescription \('([^'\s]+)', (\d+)\)"


_DESCRIBED_ERROR = r"""error=\w+\((?:'([^']*)'|"([^"]*)")"""


def _described_servers(message: str, text: str) -> dict[str, str]:
    """Each server the topology description's repr names, with its error there, else ``text``.

    pymongo 3 left the addresses out of the message ("connection closed,connection
    closed, Timeout: 30s, Topology Description: ..."); the repr, even cut short
    by the one who pasted it, is the only place that names the servers.
    """
    servers = list(re.finditer(_DESCRIBED_SERVER, message))
    ends = [server.start() for server in servers[1:]] + [len(message)]
    described = {}
    for server, end in zip(servers, ends, strict=False):
        error = re.compile(_DESCRIBED_ERROR).search(message, server.end(), end)
        own = error and (error.group(1) if error.group(1) is not None else error.group(2))
        described[address_text.join(server.group(1), int(server.group(2)))] = own or text
    return described


def only(errors: dict[str, str], kinds: dict[str, Kind], kind: Kind) -> dict[str, str]:
    return {address: text for address, text in errors.items() if kinds[address] is kind}


def is_atlas(errors: Mapping[str, str]) -> bool:
    """Whether every server named is Atlas's (and at least one is named)."""
    hosts = [address_text.host_of(address) for address in errors]
    return bool(hosts) and all(atlas.is_atlas_host(host) for host in hosts)


UNKNOWN_SERVER = "(unknown server)"
"""Where :func:`split_message` puts a text that names no server."""


def is_redacted(errors: Mapping[str, str]) -> bool:
    """Whether the user hid every host name ("<shard-host-1>", "xxxx")."""
    hosts = [address_text.host_of(address).lower() for address in errors]
    return bool(hosts) and all(
        host.startswith("<") or "*" in host or "xxx" in host for host in hosts
    )


def hosts_named(errors: Mapping[str, str]) -> bool:
    """Whether the errors name their servers (a text may name none)."""
    return bool(errors) and UNKNOWN_SERVER not in errors


def all_plain(errors: Mapping[str, str]) -> bool:
    """Whether every connection was closed without any TLS having started.

    With TLS on, a connection Atlas ends during the handshake is reported
    by the TLS library (an ``SSL handshake failed`` or ``EOF occurred`` text);
    a bare ``connection closed`` comes from a plain socket.
    """
    return not any(
        re.search(r"ssl|tls|handshake|eof", text, re.IGNORECASE) for text in errors.values()
    )


def servers_named(errors: Mapping[str, str]) -> str:
    return ", ".join(errors) or "(no server answered)"


def closed_after_handshake(errors: Mapping[str, str]) -> bool:
    """Whether every server closed the connection once the TLS handshake was over.

    pymongo starts the text of a failed handshake with ``SSL handshake failed``;
    a connection closed after it ("EOF occurred in violation of protocol",
    "connection is already closed", ECONNRESET) has no such words.
    """
    return bool(errors) and all(
        kind_of(text) is Kind.CLOSED and not re.search(r"handshake", text, re.IGNORECASE)
        for text in errors.values()
    )


_PLACEHOLDER_ADDRESS = (shell.Word("HOST-FROM-THE-CONNECTION-STRING"), shell.Word("27017"))


def first_address(errors: Mapping[str, str]) -> tuple[shell.Word, shell.Word]:
    """The host and port of the first server a command can name, for the commands in a
    fix; a placeholder when there is none: no server was named, or only names that are
    not host names (a hidden ``<shard-host-1>``, a text that holds shell syntax)."""
    for address in errors:
        host, port = address_text.split(address)
        host_word = shell.host(host)
        port_word = shell.port(str(port)) if port is not None else None
        if host_word is not None and port_word is not None:
            return host_word, port_word
    return _PLACEHOLDER_ADDRESS


# The commands that test a server from this machine, with a host and a port (words: see
# atlasconnect._shell) that need no quoting inside Python's quotes inside the shell's.
LOOKUP_TEST = "python -c \"import socket; print(socket.getaddrinfo('{host}', {port}))\""


TCP_TEST = "python -c \"import socket; socket.create_connection(('{host}', {port}), 5)\""


TLS_TEST = (
    'python -c "import socket, ssl; ssl.create_default_context().wrap_socket('
    "socket.create_connection(('{host}', {port}), 5), server_hostname='{host}')\""
)


def server_test(template: str, errors: Mapping[str, str]) -> str:
    """The command ``template`` for the first server a command can name."""
    host, port = first_address(errors)
    return shell.command(template, host=host, port=port)

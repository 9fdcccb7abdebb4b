"""What went wrong on the network, from what each server answered.

pymongo reports most connection failures as one ``ServerSelectionTimeoutError``
whose per-server causes are strings from the TLS library (stdlib ``ssl`` or
pyOpenSSL) or the socket layer. This module sorts each server's error into a
kind, then decides from all servers together which typed error explains the
failure. It works on the exception class and the per-server errors; it reads
the topology description's repr only for the servers' names, when the message
itself names none (pymongo 3 left them out).
"""

from __future__ import annotations

import datetime
import importlib.metadata
import re
import ssl
from collections.abc import Awaitable, Callable, Iterable, Mapping
from enum import Enum
from typing import Any, NamedTuple, TypeVar

from pymongo import AsyncMongoClient, MongoClient
from pymongo.errors import (
    AutoReconnect,
    ConfigurationError,
    InvalidURI,
    NotPrimaryError,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
)

from . import _address as address_text
from . import _connection_string as connection_string
from . import _mechanisms as mechanisms
from . import _phrasing as phrasing
from . import _pymongo_internals as pymongo_internals
from . import _shell as shell
from . import _tls as tls
from ._environment import OLD_PYTHON_FIX, available_tls_versions
from ._exceptions import (
    AtlasConnectError,
    AuthenticationError,
    CertificateVerificationError,
    ConnectionStringError,
    DNSResolutionError,
    MissingDependencyError,
    NetworkAccessError,
    ServerUnreachableError,
    SNIRefusedError,
    TLSVersionRefusedError,
)

_T = TypeVar("_T")

ATLAS_DOMAINS = (".mongodb.net", ".mongodbgov.net")
AUTHENTICATION_FAILED_CODES = (18, 8000)
# How the server words a failed authentication (code 18; Atlas's 8000 adds "bad auth"),
# for an OperationFailure whose code was lost (a paste, a framework that re-raised it).
_AUTHENTICATION_FAILED = r"\s*(?:bad auth\s*:\s*)?authentication failed"


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
_CLIENT_CERTIFICATE_ALERT = (
    r"alert[ _](bad[ _]certificate|certificate[ _](?:unknown|revoked)|unsupported[ _]certificate)"
)
_KIND_PATTERNS = [
    (Kind.CERTIFICATE_EXPIRED, r"certificate has expired|certificate is not yet valid"),
    (
        Kind.HOSTNAME_MISMATCH,
        r"hostname mismatch|DNSMismatch|IPAddressMismatch|doesn't match|SICertificateError",
    ),
    (Kind.CERTIFICATE_UNTRUSTED, r"unable to get local issuer|self[- ]signed certificate"),
    (Kind.OCSP, r"invalid status response|ocsp"),
    (Kind.CERTIFICATE_UNVERIFIED, r"certificate[ _]verify[ _]failed"),
    # The alerts a server sends about the client's certificate ("sslv3 alert", "tlsv1
    # alert", "tlsv13 alert", or "tls alert" in OpenSSL 3.2 and newer).
    (Kind.CLIENT_CERTIFICATE_EXPIRED, r"alert[ _]certificate[ _]expired"),
    (Kind.CLIENT_CERTIFICATE_UNTRUSTED, r"alert[ _]unknown[ _]ca"),
    (Kind.CLIENT_CERTIFICATE_REQUIRED, r"alert[ _]certificate[ _]required"),
    (Kind.CLIENT_CERTIFICATE_REFUSED, _CLIENT_CERTIFICATE_ALERT),
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
    (Kind.REFUSED, r"connection refused|econnrefused|errno (?:111|61|10061)\] connect call failed"),
    (Kind.TIMED_OUT, r"timed out"),
    (Kind.NO_ANSWER, r"no answer within serverSelectionTimeoutMS|found yet"),
]
# The patterns here are compiled at first use (re caches them), not at import:
# a process that never fails does not pay for them.
_CERTIFICATE_KINDS = {
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
_REFUSED_HANDSHAKE_KINDS = {
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
    {*_CERTIFICATE_KINDS, *_REFUSED_HANDSHAKE_KINDS, Kind.ALERT_INTERNAL_ERROR}
    | {Kind.UNKNOWN_HOST, Kind.REFUSED}
)


def kind_of(error_text: str) -> Kind:
    """The kind of failure one server's error text describes."""
    for kind, pattern in _KIND_PATTERNS:
        if re.search(pattern, error_text, re.IGNORECASE):
            return kind
    return Kind.OTHER


class ConnectionProfile(NamedTuple):
    """What atlasconnect knows about a client it made, to explain that client's failures."""

    redacted_uri: str
    secrets: tuple[str, ...]
    ca_file: str | None
    min_tls_version: ssl.TLSVersion
    srv_host: str | None
    client_certificate: str | None = None
    """The ``tlsCertificateKeyFile`` the client presents; None when it presents none."""

    def __repr__(self) -> str:
        return connection_string.repr_of(
            self, ("redacted_uri", "ca_file", "min_tls_version", "srv_host", "client_certificate")
        )


_UNKNOWN_CLIENT = ConnectionProfile("<unknown>", (), None, tls.DEFAULT_MIN_TLS_VERSION, None)


def explain(exc: BaseException, client: Any = None) -> AtlasConnectError | None:
    """Turn an error pymongo raised into atlasconnect's typed, explained error.

    Returns None when ``exc`` is not a connection problem atlasconnect knows
    (a duplicate key, say), so that code can write::

        except PyMongoError as exc:
            raise atlasconnect.explain(exc, client) or exc

    Pass the client the error came from when you have it: its per-server
    errors and its CA file make the explanation precise; a motor client is
    read through the pymongo client it wraps. Any other ``client`` (None, a
    closed client, something that is not a client) is ignored.

    An :class:`~pymongo.errors.AutoReconnect` is explained when its text says
    a connection could not be opened and retrying will not change that (a
    certificate, the TLS version, a refused port, an unknown host): that is
    how a ``loadBalanced=true`` client, which has no monitors, reports them.
    A connection closed or timed out in the middle of an operation (a
    failover) gives None: pymongo retries those. A server that answers it
    is not the primary (:class:`~pymongo.errors.NotPrimaryError`, "not
    master") is explained: the error reached you, so the retry did not help.

    A framework's own exception (Django's ``DatabaseError``, MongoEngine's
    ``ConnectionFailure``, a ``ValueError`` raised while handling the error) is
    explained by the first error of its ``__cause__`` / ``__context__`` chain
    that is a connection problem.

    It never raises, and its time grows linearly with the length of the
    error's text, so it is safe to call from any error handler.

    .. versionadded:: 0.1.0
    """
    for link in _chain(exc):
        error = _explain(link, client, connecting=False)
        if error is not None:
            return error
    return None


_MAX_CHAIN = 16


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions it was raised from or while handling, at most ``_MAX_CHAIN``.

    The explicit cause comes before the implicit context, as in a printed
    traceback; an exception met twice ends the walk (chains can be cycles).
    """
    chain: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and len(chain) < _MAX_CHAIN and all(link is not e for e in chain):
        chain.append(link)
        link = link.__cause__ or link.__context__
    return chain


def _explain(exc: BaseException, client: Any, *, connecting: bool) -> AtlasConnectError | None:
    """:func:`explain`; with ``connecting``, every connection failure is one to explain."""
    if isinstance(exc, AtlasConnectError):
        return exc
    client = _pymongo_client(client)
    profile = _profile_of(client)
    if isinstance(exc, OperationFailure):
        return explain_operation_failure(exc, pymongo_internals.login_of(client))
    if isinstance(exc, (ConfigurationError, TypeError, ValueError)):
        return explain_configuration_error(exc, profile)
    if isinstance(exc, ServerSelectionTimeoutError):
        errors = server_errors_of(client)
        if not errors and isinstance(client, (MongoClient, AsyncMongoClient)):
            problem = replica_set_problem(client, profile)
            if problem is not None:
                return problem
        if not errors:
            problem = replica_set_problem_in_text(str(exc), profile)
            if problem is not None:
                return problem
        return diagnose(errors or _split_message(str(exc)), profile, final=True)
    if isinstance(exc, NotPrimaryError) or (
        isinstance(exc, AutoReconnect) and says_not_primary(str(exc))
    ):
        return not_primary(exc)
    if isinstance(exc, AutoReconnect):
        # The failure of this one connection: the topology may well look healthy.
        errors = _split_message(str(exc))
        if connecting or {kind_of(text) for text in errors.values()} <= ESTABLISHMENT_KINDS:
            return diagnose(errors, profile, final=True)
    return None


def _pymongo_client(client: Any) -> Any:
    """The pymongo client behind ``client``: motor keeps it as ``delegate``."""
    delegate = getattr(client, "delegate", None)
    return delegate if isinstance(delegate, (MongoClient, AsyncMongoClient)) else client


def _profile_of(client: Any) -> ConnectionProfile:
    """The profile of a client atlasconnect planned; the unknown one for anything else.

    It travels with the client: the failure listener atlasconnect adds to
    every client it plans (``connect()``, or ``client_options()`` for a client
    a framework builds) carries it, and pymongo lists the client's listeners.
    """
    if not isinstance(client, (MongoClient, AsyncMongoClient)):
        return _UNKNOWN_CLIENT
    for listener in client.options.event_listeners:
        profile = getattr(listener, "profile", None)
        if isinstance(profile, ConnectionProfile):
            return profile
    return _UNKNOWN_CLIENT


def call_explained(client: Any, operation: Callable[[], _T], *, connecting: bool = False) -> _T:
    """Return ``operation()``; raise its pymongo error as the typed one where there is one.

    With ``connecting=True`` the operation is the one that proves the client
    can connect (``connect(verify=True)``'s ping): any connection failure it
    meets is explained, not only the ones :func:`explain` is sure of.

    The typed error is raised outside the ``except`` block, so pymongo's
    exception, which may echo a secret, is not chained to it (``__context__``).
    """
    try:
        return operation()
    except PyMongoError as exc:
        error = _explain(exc, client, connecting=connecting)
        if error is None or isinstance(exc, AtlasConnectError):  # nothing to add
            raise
    raise error


async def call_explained_async(
    client: Any, operation: Callable[[], Awaitable[_T]], *, connecting: bool = False
) -> _T:
    """:func:`call_explained` for a coroutine."""
    try:
        return await operation()
    except PyMongoError as exc:
        error = _explain(exc, client, connecting=connecting)
        if error is None or isinstance(exc, AtlasConnectError):  # nothing to add
            raise
    raise error


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


def _split_message(message: str) -> dict[str, str]:
    """Per-server errors from an AutoReconnect's text, a ServerSelectionTimeoutError's
    without the topology repr (which names the servers when the text does not)."""
    text = message.split(", Timeout: ", 1)[0]
    addresses = list(re.finditer(_ADDRESS, text))
    if not addresses:
        return _described_servers(message, text) or {"(unknown server)": text}
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


def diagnose(
    server_errors: Mapping[str, str], profile: ConnectionProfile, *, final: bool
) -> AtlasConnectError | None:
    """The error that explains why none of these servers can be used.

    ``server_errors`` holds one entry per server, all failed. With
    ``final=False`` only a definitive diagnosis is returned (waiting will not
    change it); with ``final=True`` the best explanation there is. The texts
    come from the socket and TLS layers, which never saw a secret: they are
    kept as they are, so a password that happens to read "refused" changes
    nothing (see :mod:`atlasconnect._connection_string`).
    """
    if not server_errors:
        return _unreachable({}, profile) if final else None
    errors = dict(server_errors)
    kinds = {address: kind_of(text) for address, text in errors.items()}
    for kind in Kind:
        if kind in _CERTIFICATE_KINDS and kind in kinds.values():
            return _certificate_error(kind, _only(errors, kinds, kind), profile)
    if profile.client_certificate is not None and _closed_after_handshake(errors):
        # TLS 1.3: a server refusing the client's certificate often closes before its alert
        # is read. Only a client atlasconnect made, which always speaks TLS, is known to.
        expired = _out_of_date(profile.client_certificate)
        reason = "client_certificate_expired" if expired else "client_certificate_refused"
        return client_certificate_error(reason, errors, profile, lost=True, out_of_date=expired)
    for kind, alert in _REFUSED_HANDSHAKE_KINDS.items():
        if kind in kinds.values():
            return _tls_version_error(_only(errors, kinds, kind), profile, alert)
    if _is_atlas(errors) and set(kinds.values()) <= {Kind.ALERT_INTERNAL_ERROR, Kind.CLOSED}:
        if profile is _UNKNOWN_CLIENT and _all_plain(errors):
            return _unreachable(errors, profile)
        return _network_access_error(errors, certain=True)
    if _is_redacted(errors) and set(kinds.values()) == {Kind.ALERT_INTERNAL_ERROR}:
        return _network_access_error(errors, certain=False)
    if final or set(kinds.values()) == {Kind.UNKNOWN_HOST}:
        return _unreachable(errors, profile)
    return None


def _only(errors: dict[str, str], kinds: dict[str, Kind], kind: Kind) -> dict[str, str]:
    return {address: text for address, text in errors.items() if kinds[address] is kind}


def _is_atlas(errors: Mapping[str, str]) -> bool:
    hosts = [address_text.host_of(address).lower() for address in errors]
    return bool(hosts) and all(host.endswith(ATLAS_DOMAINS) for host in hosts)


def _is_redacted(errors: Mapping[str, str]) -> bool:
    """Whether the user hid every host name ("<shard-host-1>", "xxxx") or none was pasted."""
    hosts = [address_text.host_of(address).lower() for address in errors]
    return bool(hosts) and all(
        host.startswith(("<", "(unknown")) or "*" in host or "xxx" in host for host in hosts
    )


def _all_plain(errors: Mapping[str, str]) -> bool:
    """Whether every connection was closed without any TLS having started.

    With TLS on, a connection Atlas ends during the handshake is reported
    by the TLS library (an ``SSL handshake failed`` or ``EOF occurred`` text);
    a bare ``connection closed`` comes from a plain socket.
    """
    return not any(
        re.search(r"ssl|tls|handshake|eof", text, re.IGNORECASE) for text in errors.values()
    )


def _hosts(errors: Mapping[str, str]) -> str:
    return ", ".join(errors) or "(no server answered)"


def _certificate_error(
    kind: Kind, errors: dict[str, str], profile: ConnectionProfile
) -> CertificateVerificationError:
    if _CERTIFICATE_KINDS[kind].startswith("client_"):
        return client_certificate_error(_CERTIFICATE_KINDS[kind], errors, profile)
    trusted = f"the CA file {profile.ca_file}" if profile.ca_file else "the system CA store"
    hosts = _hosts(errors)
    found, why = {
        Kind.CERTIFICATE_UNTRUSTED: (
            f"The certificate of {hosts} is not signed by any CA in {trusted}.",
            "a proxy, firewall or antivirus that inspects TLS replaces Atlas's certificate "
            "with one signed by its own CA; less often, the CA bundle is out of date.",
        ),
        Kind.CERTIFICATE_EXPIRED: (
            f"The certificate of {hosts} is expired or not yet valid by this machine's clock "
            f"({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC).",
            "Atlas renews its certificates well before they expire, so either this machine's "
            "clock is wrong or the CA bundle is stale.",
        ),
        Kind.HOSTNAME_MISMATCH: (
            f"The certificate of {hosts} is not valid for the host name in the connection string.",
            "the certificate proves the server's name; a name it does not cover could be "
            "anyone's server.",
        ),
        Kind.OCSP: (
            f"The revocation status (OCSP) of the certificate of {hosts} could not be checked.",
            "with pyOpenSSL (pymongo[ocsp]) pymongo asks the CA's OCSP responder whether the "
            "certificate was revoked, and refuses it when the answer (or a stapled one) is "
            "invalid or missing: a firewall or proxy that blocks the responder (HTTP, port "
            "80), or one that replaces Atlas's certificate.",
        ),
        Kind.CERTIFICATE_UNVERIFIED: (
            f"The certificate of {hosts} could not be verified against {trusted}.",
            "the certificate is signed by an unknown CA (a TLS-inspecting proxy), or it is "
            "expired by this machine's clock.",
        ),
    }[kind]
    ca_bundle = {"tlsCAFile": "ca-bundle.pem"}
    return CertificateVerificationError(
        found,
        why=why,
        fix=_certificate_fix(kind, f"pass {phrasing.connect_call(ca_bundle)}"),
        cli_fix=_certificate_fix(kind, phrasing.uri_setting(ca_bundle, profile.redacted_uri)),
        server_errors=errors,
        reason=_CERTIFICATE_KINDS[kind],
        ca_file=profile.ca_file,
    )


def _certificate_fix(kind: Kind, ca_setting: str) -> str:
    """What to do about a certificate failure of ``kind``; ``ca_setting``: how the reader
    makes the client trust a CA bundle (a ``connect()`` keyword, or a URI option)."""
    if kind in (Kind.CERTIFICATE_UNTRUSTED, Kind.CERTIFICATE_UNVERIFIED):
        bundle = phrasing.with_python(
            'cat "$({python} -m certifi)" corporate-root.pem > ca-bundle.pem'
        )
        fix = (
            "if your network inspects TLS, get its root CA certificate (PEM) from your IT team, "
            f"append it to certifi's bundle ({bundle}) and {ca_setting}, or have port 27017 "
            f"exempted from inspection. Otherwise update certifi: "
            f"{phrasing.pip_install('--upgrade certifi')}."
        )
        if kind is Kind.CERTIFICATE_UNVERIFIED:
            fix += " Also check the clock: `date -u` must show the real UTC time."
        return fix
    return {
        Kind.CERTIFICATE_EXPIRED: "check the clock (`date -u` must show the real UTC time; "
        "turn on NTP, e.g. `timedatectl set-ntp true`), then update the CA bundle: "
        f"{phrasing.pip_install('--upgrade certifi')}.",
        Kind.HOSTNAME_MISMATCH: "connect with the host names Atlas gives: copy the connection "
        "string from Atlas (Database > Connect > Drivers), not an IP address or an alias the "
        "certificate does not name.",
        Kind.OCSP: "allow outbound HTTP (port 80) to the OCSP responder the certificate names "
        "(its Authority Information Access), or have port 27017 exempted from TLS inspection "
        "(atlasconnect refuses tlsDisableOCSPEndpointCheck, as every option that switches a "
        "certificate check off).",
    }[kind]


def _closed_after_handshake(errors: Mapping[str, str]) -> bool:
    """Whether every server closed the connection once the TLS handshake was over.

    pymongo starts the text of a failed handshake with ``SSL handshake failed``;
    a connection closed after it ("EOF occurred in violation of protocol",
    "connection is already closed", ECONNRESET) has no such words.
    """
    return bool(errors) and all(
        kind_of(text) is Kind.CLOSED and not re.search(r"handshake", text, re.IGNORECASE)
        for text in errors.values()
    )


def _client_certificate_alert(errors: Mapping[str, str]) -> str | None:
    """The name of the alert a server refused the client's certificate with, if one says."""
    for text in errors.values():
        match = re.search(_CLIENT_CERTIFICATE_ALERT, text, re.IGNORECASE)
        if match:
            return match.group(1).replace("_", " ").lower()
    return None


_CLIENT_CERTIFICATE_SETTING = {"tlsCertificateKeyFile": "/path/to/client.pem"}
_SELF_MANAGED_X509 = (
    "Atlas: Security > Advanced > Self-Managed X.509 Authentication, for the project"
)


def _out_of_date(path: str) -> str | None:
    """When the first certificate of ``path`` is not valid by this machine's clock: ``"expired
    on <date>"`` or ``"valid only from <date>"``; None when it is, or cannot be read.

    Decoded with ``cryptography`` (``atlasconnect[doctor]``), when it is installed.
    """
    from . import _certificate as certificate

    try:
        with open(path, "rb") as file:
            pem = file.read()
        begin = pem.index(b"-----BEGIN CERTIFICATE-----")
        end = pem.index(b"-----END CERTIFICATE-----", begin) + len(b"-----END CERTIFICATE-----")
        presented = certificate.decode(ssl.PEM_cert_to_DER_cert(pem[begin:end].decode("ascii")))
    except (OSError, ValueError):
        return None
    validity = presented.validity(datetime.datetime.now(datetime.timezone.utc))
    if validity == "expired":
        return f"expired on {certificate.iso(presented.not_after)} by this machine's clock"
    if validity == "not_yet_valid":
        return f"valid only from {certificate.iso(presented.not_before)} by this machine's clock"
    return None


def client_certificate_error(
    reason: str,
    errors: dict[str, str],
    profile: ConnectionProfile,
    *,
    lost: bool = False,
    out_of_date: str | None = None,
) -> CertificateVerificationError:
    """The servers refused this client's certificate, or required one it did not present.

    ``reason`` is a ``client_certificate_*`` reason of
    :class:`CertificateVerificationError`, from the TLS alert in ``errors``; with
    ``lost``, the connections were closed right after the handshake with no
    alert that could be read (TLS 1.3), and ``out_of_date`` says when the
    certificate is not valid by this machine's clock, if it is not.
    """
    import shlex

    alert = _client_certificate_alert(errors)
    hosts = _hosts(errors)
    path = profile.client_certificate
    certificate = f"this client's certificate{f' ({path})' if path else ''}"
    file = shlex.quote(path) if path else "client.pem"
    checks = (
        f"`openssl x509 -in {file} -noout -subject -issuer -dates -ext extendedKeyUsage` "
        "must show an issuer the server trusts, dates around today and TLS Web Client "
        "Authentication"
    )
    renew = (
        "for a user with Atlas-managed X.509 authentication, download a new certificate "
        "(Atlas: Database Access, the user); with your own CA, issue a new one"
    )
    if reason == "client_certificate_required":
        found = (
            f"{hosts} refused this client: it presented no client certificate, and the server "
            "requires one (TLS alert 'certificate required')."
        )
        why = (
            "a server set up for mutual TLS refuses every client that presents no certificate "
            "signed by a CA it trusts; Atlas clusters do not require one (users with X.509 "
            "authentication log in with theirs)."
        )
        fix = (
            "pass the client's certificate and its private key, in one PEM file: "
            + phrasing.connect_call(_CLIENT_CERTIFICATE_SETTING)
            + "."
        )
        cli_fix = f"{phrasing.uri_setting(_CLIENT_CERTIFICATE_SETTING, profile.redacted_uri)}."
        return _client_certificate_refusal(found, why, fix, cli_fix, errors, reason, profile)
    said = {
        "client_certificate_expired": (
            "the TLS alert 'certificate expired' says it is expired or not yet valid by the "
            "server's clock",
            "a server accepts a client certificate only between its dates; certificates "
            "Atlas issues for X.509 users last the months chosen when they were made.",
            f"{renew}, and give it as tlsCertificateKeyFile; `openssl x509 -in {file} -noout "
            "-dates` shows the dates of this one.",
        ),
        "client_certificate_untrusted": (
            "the TLS alert 'unknown CA' says no CA the server trusts signed it",
            "a server that checks client certificates (X.509 authentication, mutual TLS) "
            "accepts only those signed by a CA it trusts: on Atlas, the project's own CA for "
            "the certificates it issues, or the CA uploaded for self-managed X.509 "
            "authentication. A certificate of another project or environment is refused, and "
            "so is one whose file lacks the intermediate CA certificate that links it to the "
            "trusted CA.",
            "give tlsCertificateKeyFile the certificate issued for this cluster's project, or "
            f"have the CA that signed it trusted ({_SELF_MANAGED_X509}); append any "
            "intermediate CA certificate to the file, after the client certificate. `openssl "
            f"x509 -in {file} -noout -issuer` shows who signed it.",
        ),
        "client_certificate_refused": (
            f"TLS alert '{alert}'" if alert else "a TLS alert",
            "a server checks a client certificate before it answers: signed by a CA it "
            "trusts, between its dates, not revoked, and made for client authentication "
            "(extended key usage clientAuth).",
            f"check the certificate tlsCertificateKeyFile names: {checks}; {renew}.",
        ),
    }
    how, why, fix = said[reason]
    if lost:
        because = f", which is {out_of_date}" if out_of_date else ""
        found = (
            f"{hosts} closed the connection right after the TLS handshake, before answering: "
            f"most likely a refusal of {certificate}{because}. TLS 1.3 servers refuse a client "
            "certificate once the handshake is over, and the alert that says why is often "
            "lost with the connection; a TLS-terminating proxy whose server is down closes "
            "connections the same way."
        )
    elif reason == "client_certificate_refused":
        found = f"{hosts} refused {certificate} ({how})."
    else:
        found = f"{hosts} refused {certificate}: {how}."
    return _client_certificate_refusal(found, why, fix, fix, errors, reason, profile)


def _client_certificate_refusal(
    found: str,
    why: str,
    fix: str,
    cli_fix: str,
    errors: dict[str, str],
    reason: str,
    profile: ConnectionProfile,
) -> CertificateVerificationError:
    return CertificateVerificationError(
        found,
        why=why,
        fix=fix,
        cli_fix=cli_fix,
        server_errors=errors,
        reason=reason,
        ca_file=profile.ca_file,
    )


def _tls_version_error(
    errors: dict[str, str], profile: ConnectionProfile, alert: str
) -> TLSVersionRefusedError:
    floor = tls.effective_min_tls_version(profile.min_tls_version)
    available = available_tls_versions()
    offered = ", ".join(tls.version_name(v) for v in available if v >= floor)
    meaning = "no TLS version is acceptable to both sides"
    fix = cli_fix = _tls_version_fix(floor)
    if alert == "handshake failure":
        # OpenSSL sends this one for several mismatches, not only the version.
        meaning = "most likely no TLS version or cipher is acceptable to both sides"
        if profile.client_certificate is None:
            # ...and, in TLS 1.2, for a client certificate required and not presented.
            meaning += (
                ", or the server requires a client certificate this client did not present "
                "(OpenSSL's TLS 1.2 servers refuse that with the same alert)"
            )
            certificate = "If the server requires client certificates (mutual TLS), pass {}."
            fix += " " + certificate.format(phrasing.connect_call(_CLIENT_CERTIFICATE_SETTING))
            cli_fix += " " + certificate.format(
                "the client's: "
                + phrasing.uri_setting(_CLIENT_CERTIFICATE_SETTING, profile.redacted_uri)
            )
    return TLSVersionRefusedError(
        f"{_hosts(errors)} refused the TLS handshake with '{alert}': {meaning}. "
        f"This client offers {offered or 'none'}.",
        why="Atlas accepts TLS 1.2 and newer (a cluster can require 1.3) with current "
        "ciphers; a server or middlebox that stops at an older version or offers only old "
        "ciphers, or a floor above what the server speaks, leaves nothing in common.",
        fix=fix,
        cli_fix=cli_fix,
        server_errors=errors,
        min_tls_version=floor,
        available=available,
    )


def _tls_version_fix(floor: ssl.TLSVersion) -> str:
    """What to do about a refused TLS version, for this client's effective floor."""
    default = tls.version_name(tls.DEFAULT_MIN_TLS_VERSION)
    if floor > tls.DEFAULT_MIN_TLS_VERSION:
        first = (
            f"min_tls_version is {tls.version_name(floor)}, above the default ({default}), "
            "and the server does not speak it: lower min_tls_version to "
            f"ssl.TLSVersion.{tls.DEFAULT_MIN_TLS_VERSION.name} (or leave it out), or set the "
            "cluster's minimum TLS version in Atlas (cluster > Additional Settings) to "
            f"{tls.version_name(floor)}."
        )
    else:
        first = (
            "Atlas itself speaks TLS 1.2 and 1.3, so check what answered: a TLS-inspecting "
            "proxy or middlebox that speaks only older versions must be upgraded, or port "
            "27017 exempted from it; a cluster whose minimum TLS version (Atlas: cluster > "
            "Additional Settings) is above what this Python offers needs a newer OpenSSL."
        )
    return (
        f"{first} If this Python's OpenSSL lacks TLS 1.2 or 1.3: {OLD_PYTHON_FIX}"
        '`openssl version` and `python -c "import ssl; print(ssl.OPENSSL_VERSION)"`.'
    )


def _network_access_error(errors: dict[str, str], *, certain: bool) -> NetworkAccessError:
    """Atlas refusing this machine's IP address; ``certain`` when the hosts are Atlas's."""
    hosts = f"Every host of the Atlas cluster ({_hosts(errors)})"
    if not certain:
        hosts = f"Every host ({_hosts(errors)}; the names were hidden)"
    elif len(errors) == 1:
        hosts = f"The Atlas host {_hosts(errors)}"
    found = (
        f"{hosts} ended the TLS handshake at once (TLS alert 80 'internal error', or a "
        "closed connection)."
    )
    why = (
        "this is how Atlas answers a machine whose public IP address is not on the "
        "project's IP access list."
    )
    if not certain:
        found += (
            " This is most likely, not certainly, Atlas refusing this machine's IP address; "
            "the other candidates are a TLS-inspecting proxy and a server that is not Atlas."
        )
        why = (
            "Atlas answers a machine whose public IP address is not on the project's IP "
            "access list with alert 80; other servers rarely send it, but the host names "
            "that would prove these are Atlas's are not in the text."
        )
    return NetworkAccessError(
        found,
        why=why,
        fix="in Atlas, open Security > Network Access > IP Access List and add this machine's "
        "public IP address ('Add Current IP Address' when you use the browser on this "
        "machine). To find it from here: `curl https://checkip.amazonaws.com`. Servers behind "
        "NAT use their gateway's address; changing addresses (home, VPN, CI) need a range. "
        "A new entry takes about a minute to apply.",
        server_errors=errors,
    )


_UNREACHABLE_WHY = (
    "a firewall that blocks outbound TCP ports 27015-27017, a paused cluster (free "
    "clusters pause after 60 days without connections), or host names that do not "
    "match the cluster make every server unreachable."
)


def _unreachable_fix(errors: Mapping[str, str]) -> str:
    return (
        "allow outbound TCP 27015-27017 to the hosts above (test one with: "
        f"{_server_test(_TCP_TEST, errors)}), resume the cluster in Atlas if it is paused, "
        "and compare the host names with the connection string Atlas shows under Database > "
        "Connect."
    )


_PLACEHOLDER_ADDRESS = (shell.Word("HOST-FROM-THE-CONNECTION-STRING"), shell.Word("27017"))


def _first_address(errors: Mapping[str, str]) -> tuple[shell.Word, shell.Word]:
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
_LOOKUP_TEST = "python -c \"import socket; print(socket.getaddrinfo('{host}', {port}))\""
_TCP_TEST = "python -c \"import socket; socket.create_connection(('{host}', {port}), 5)\""
_TLS_TEST = (
    'python -c "import socket, ssl; ssl.create_default_context().wrap_socket('
    "socket.create_connection(('{host}', {port}), 5), server_hostname='{host}')\""
)


def _server_test(template: str, errors: Mapping[str, str]) -> str:
    """The command ``template`` for the first server a command can name."""
    host, port = _first_address(errors)
    return shell.command(template, host=host, port=port)


_SRV_NAME = re.compile(r"(?!ac-)[a-z0-9-]+\.[a-z0-9]+\.mongodb(?:gov)?\.net", re.IGNORECASE)


def _srv_names(errors: Mapping[str, str]) -> list[str]:
    """The hosts that are Atlas cluster names (cluster0.abcde.mongodb.net), not servers."""
    hosts = [address_text.host_of(address) for address in errors]
    names = [h for h in hosts if _SRV_NAME.fullmatch(h) and "shard" not in h.lower()]
    return names if len(names) == len(hosts) else []


def _unreachable_reason(errors: Mapping[str, str]) -> str:
    kinds = {kind_of(text) for text in errors.values()}
    if not kinds:
        return "no_answer"
    if len(kinds) > 1:
        return "mixed"
    kind = kinds.pop()
    if kind is Kind.UNKNOWN_HOST:
        return "srv_name_as_host" if _srv_names(errors) else "name_not_resolved"
    if kind is Kind.CLOSED and (_is_atlas(errors) or _is_redacted(errors)) and _all_plain(errors):
        return "tls_off"
    return {
        Kind.REFUSED: "refused",
        Kind.TIMED_OUT: "timed_out",
        Kind.HANDSHAKE_TIMED_OUT: "not_tls",
        Kind.CLOSED: "closed",
        Kind.NO_ANSWER: "no_answer",
    }.get(kind, "mixed")


_HIDDEN_HOSTS_CANDIDATE = (
    "; the host names are not in the text, so a server that is not Atlas closing "
    "connections, such as a proxy or a server at its connection limit, is a third"
)


def _unreachable_explanation(reason: str, errors: Mapping[str, str]) -> tuple[str, str, str]:
    """(what it means, why, fix) for each reason a server list can be unreachable."""
    host, port = _first_address(errors)
    srv_name = (_srv_names(errors) or [host])[0]
    hidden = "" if _is_atlas(errors) else _HIDDEN_HOSTS_CANDIDATE
    return {
        "name_not_resolved": (
            "DNS does not know these host names",
            "every host of a mongodb:// string must resolve to an address; a typo, a deleted "
            "cluster, or a name only a VPN's or private network's DNS knows fails this way.",
            "compare the host names with the connection string Atlas shows under Database > "
            f"Connect > Drivers; test one with: {_server_test(_LOOKUP_TEST, errors)}",
        ),
        "srv_name_as_host": (
            f"{srv_name} is the name of an Atlas cluster, not of a server: use mongodb+srv://",
            "a cluster's name is a DNS SRV record that lists its servers, and only "
            "mongodb+srv:// looks it up; as a host of mongodb:// it has no address of its own.",
            f"write the connection string as mongodb+srv://USER:PASSWORD@{srv_name}/ (no "
            "port), as Atlas shows it under Database > Connect > Drivers.",
        ),
        "refused": (
            "the machine answered, but nothing accepts connections on this port",
            "no program listens there: a wrong port, a server that is not running, or a "
            "firewall that rejects connections rather than dropping them.",
            f"check the port against the connection string Atlas shows (Atlas servers listen "
            f"on 27017); test with: {_server_test(_TCP_TEST, errors)}",
        ),
        "timed_out": (
            "no answer to the TCP connection",
            _UNREACHABLE_WHY,
            _unreachable_fix(errors),
        ),
        "not_tls": (
            "TCP connected, but the TLS handshake never completed",
            "most likely the port is not a TLS endpoint (a plain server, another service) or "
            "a middlebox (a proxy, a firewall that inspects traffic) holds the connection; a "
            "very slow network, or Atlas's IP access list, can look the same.",
            f"check that {host}:{port} is a MongoDB server that speaks TLS: "
            f"{_server_test(_TLS_TEST, errors)} must return; compare the host and port with "
            "the connection string Atlas shows, ask whether a proxy inspects port 27017, and on "
            "a slow link raise connectTimeoutMS.",
        ),
        "tls_off": (
            "most likely this client did not enable TLS: Atlas closed plain connections (the "
            f"other candidate is the IP access list, if TLS was on{hidden})",
            "Atlas accepts only TLS connections and closes any other; a mongodb:// string "
            "enables TLS only with tls=true (mongodb+srv:// enables it by default).",
            "add tls=true to the connection string, or connect with atlasconnect.connect(), "
            "which always enables TLS. If TLS was on, add this machine's public IP address "
            "under Security > Network Access in Atlas.",
        ),
        "closed": (
            "the server closed the connection",
            "a server or a middlebox ended the connection: another service on the port, a "
            "proxy, a firewall that resets connections, a server that is restarting, or, "
            "during the TLS handshake, a server that accepts none of the TLS versions or "
            "ciphers this client offers (MongoDB 4.0 and older with Python 3.10 and newer).",
            f"compare the host and port with the connection string Atlas shows; test TLS "
            f"with: {_server_test(_TLS_TEST, errors)}",
        ),
    }.get(reason, ("", _UNREACHABLE_WHY, _unreachable_fix(errors)))


def _closed_after_handshake_explanation(
    errors: Mapping[str, str], profile: ConnectionProfile
) -> tuple[str, str, str, str]:
    """(meaning, why, fix, cli_fix) for servers that closed right after the TLS handshake,
    to a client that presented no certificate (one that did is refused: see diagnose)."""
    certificate = "if the server requires client certificates (mutual TLS), pass the client's: "
    host, port = _first_address(errors)
    test = (
        f"otherwise check what serves {host}:{port}: the server behind a proxy, a server "
        "that is restarting."
    )
    return (
        "the server closed the connection right after the TLS handshake, before answering",
        "a server that requires a client certificate closes this way when the client presents "
        "none (tlsCertificateKeyFile) and the TLS 1.3 alert that says so ('certificate "
        "required') is lost with the connection; so does a TLS-terminating proxy whose server "
        "is down, or a server that is restarting.",
        f"{certificate}{phrasing.connect_call(_CLIENT_CERTIFICATE_SETTING)}; {test}",
        f"{certificate}{phrasing.uri_setting(_CLIENT_CERTIFICATE_SETTING, profile.redacted_uri)}; "
        + test,
    )


def _unreachable(errors: dict[str, str], profile: ConnectionProfile) -> ServerUnreachableError:
    kinds = {kind_of(text).value for text in errors.values()}
    reason = _unreachable_reason(errors)
    meaning, why, fix = _unreachable_explanation(reason, errors)
    cli_fix = fix
    if reason == "closed" and profile is not _UNKNOWN_CLIENT and _closed_after_handshake(errors):
        # A client atlasconnect made always speaks TLS: these servers took the handshake.
        meaning, why, fix, cli_fix = _closed_after_handshake_explanation(errors, profile)
    return ServerUnreachableError(
        f"No server could be used: {_hosts(errors)} ({', '.join(sorted(kinds)) or 'no answer'}"
        f"){': ' + meaning if meaning else ''}. Connection string: {profile.redacted_uri}",
        why=why,
        fix=fix,
        cli_fix=cli_fix,
        server_errors=errors,
        reason=reason,
    )


# What a server says when it is not the primary (pymongo 4 raises NotPrimaryError
# for these; pymongo 2 and 3 raised AutoReconnect or NotMasterError).
_NOT_PRIMARY = r"\bnot (?:master|primary)\b|node is (?:not in primary or )?recovering"


def says_not_primary(message: str) -> bool:
    """Whether a server's answer says it is not the primary ("not master", "not primary")."""
    return re.search(_NOT_PRIMARY, message, re.IGNORECASE) is not None


def not_primary(exc: BaseException) -> ServerUnreachableError:
    """A server answered an operation that it is not the primary ("not master")."""
    errors = _split_message(str(exc))
    return ServerUnreachableError(
        f"The server that received the operation is not the primary of its replica set "
        f"({'; '.join(errors.values())}).",
        why="writes, and reads with the default read preference, need the primary. A "
        "member that was primary steps down in a failover or maintenance, a set that is "
        "electing or not yet initiated has none, and a client connected to one member "
        "(directConnection=true, or one host without replicaSet=) cannot follow the "
        "primary to another member.",
        fix="connect with the connection string Atlas shows (Database > Connect > Drivers: "
        "mongodb+srv://, which finds every member and the primary), not one member's "
        "address; keep retryWrites=true (the default) so that a write is retried once "
        "after a failover; check the cluster's status in Atlas. A self-managed set needs "
        "rs.initiate() before it has a primary.",
        server_errors=errors,
        reason="no_primary",
    )


def replica_set_problem(client: Any, profile: ConnectionProfile) -> ServerUnreachableError | None:
    """A replica set with no primary, or servers that are not of the ``replicaSet=`` asked for.

    Both answer the monitors without an error, so no server error tells
    them: pymongo's topology description does (public API).
    """
    mismatch = set_name_mismatch(client, profile)
    if mismatch is not None:
        return mismatch
    description = client.topology_description
    if description.topology_type_name != "ReplicaSetNoPrimary" or description.has_writable_server():
        return None
    members = {
        address_text.join(host, port): _MEMBER_STATES.get(server.server_type_name, "unknown state")
        for (host, port), server in description.server_descriptions().items()
        if server.error is None and server.server_type_name.startswith("RS")
    }
    if not members:
        return None
    set_name = description.replica_set_name or client.options.replica_set_name
    return no_primary_error(set_name, members, profile)


def set_name_mismatch(client: Any, profile: ConnectionProfile) -> ServerUnreachableError | None:
    """Every server answered as a member of another set than ``replicaSet=``, or of none.

    pymongo drops such a server, so a replica-set topology with no server
    left is one none of the seeds belongs to. It never gets one back (a
    set's topology polls no SRV record): waiting longer cannot help. The set
    each server named is known only to the heartbeat watcher of a client
    atlasconnect planned.
    """
    description = client.topology_description
    wanted = client.options.replica_set_name
    if (
        description.topology_type_name != "ReplicaSetNoPrimary"
        or description.server_descriptions()
        or not wanted
    ):
        return None
    return replica_set_mismatch_error(wanted, _set_names_seen(client), profile)


# pymongo's server types of a replica-set member that is not the primary, in words.
_MEMBER_STATES = {
    "RSSecondary": "secondary",
    "RSArbiter": "arbiter",
    "RSOther": "other: recovering, starting up or hidden",
    "RSGhost": "ghost: not yet configured, or removed from the set",
}


def _set_names_seen(client: Any) -> dict[str, str | None]:
    """The replica set each server named in its ``hello``, if atlasconnect watched the client."""
    for listener in client.options.event_listeners:
        names = getattr(listener, "set_names", None)
        if isinstance(names, dict):
            return names
    return {}


def no_primary_error(
    set_name: str | None, members: Mapping[str, str], profile: ConnectionProfile
) -> ServerUnreachableError:
    """The members of a replica set answered, none of them as primary or naming one.

    ``members`` maps each member that answered to its state ("secondary");
    empty when only pymongo's message is known, which names no member.
    """
    the_set = f"the replica set {set_name!r}" if set_name else "the replica set"
    if members:
        answered = ", ".join(f"{address} ({state})" for address, state in members.items())
        found = f"{the_set} has no primary: its members answered as {answered}, none as primary."
    else:
        found = f"{the_set} has no primary: its members answered, none as primary."
    if profile is not _UNKNOWN_CLIENT:
        found += f" Connection string: {profile.redacted_uri}"
    return ServerUnreachableError(
        f"No server could be used: {found}",
        why="writes, and reads with the default read preference (primary), need the primary. "
        "A replica set has none while it holds an election (for a few seconds after a "
        "failover, a restart or Atlas maintenance), while a paused cluster is resuming, or "
        "when it is broken: too few members are up, or can see each other, to elect one (a "
        "majority must).",
        fix="retry after a few seconds, and give elections time: raise serverSelectionTimeoutMS "
        "(pymongo's default, 30000, rides out most). If it lasts minutes, check the cluster in "
        "Atlas (its status, Resume if it is paused, its alerts and events). Reads that may be "
        "served by a secondary meanwhile can use readPreference=secondaryPreferred.",
        server_errors={
            address: f"{address}: {state}, not primary" for address, state in members.items()
        },
        reason="no_primary",
    )


def replica_set_mismatch_error(
    wanted: str, seen: Mapping[str, str | None], profile: ConnectionProfile
) -> ServerUnreachableError:
    """The servers answered, but none is a member of the set ``replicaSet=`` names.

    ``seen`` maps each server to the set its ``hello`` named (None: a
    standalone server); empty when only pymongo's message is known.
    """
    uri = "" if profile is _UNKNOWN_CLIENT else f" of {profile.redacted_uri}"
    found = (
        f"No server could be used: the servers{uri} answered, but none is a member of the "
        f"replica set {wanted!r} that replicaSet= names"
    )
    if seen:
        found += ": " + ", ".join(f"{address} ({_set_of(name)})" for address, name in seen.items())
    names = set(seen.values())
    fix = (
        "copy the replicaSet= value from the connection string Atlas shows (Database > "
        "Connect > Drivers), or use its mongodb+srv:// string, which sets it for you."
    )
    if len(names) == 1 and None not in names:
        fix = (
            f"write replicaSet={shell.prose(str(names.pop()))} (the set these servers belong "
            f"to), or {fix}"
        )
    elif names == {None}:
        fix = (
            "remove replicaSet= if these standalone servers are the ones you meant (an Atlas "
            f"cluster is always a replica set); otherwise check the hosts, and {fix}"
        )
    return ServerUnreachableError(
        f"{found}.",
        why="pymongo uses only members of the replica set the connection string names; "
        "servers of another set, or standalone servers, are dropped.",
        fix=fix,
        server_errors={
            address: f"{address}: {_set_of(name)}, not a member of {wanted!r}"
            for address, name in seen.items()
        },
        reason="replica_set_mismatch",
    )


def _set_of(name: str | None) -> str:
    return f"set {name!r}" if name is not None else "a standalone server, in no replica set"


# pymongo's own words (before ", Timeout: ") when servers answered but none can be used.
_NO_PRIMARY_TEXT = re.compile(r'No primary available for writes|match selector "Primary\(\)"')
_SET_NAME_TEXT = 'No replica set members available for replica set name "'


def _quoted_set_name(said: str) -> str | None:
    """The set name pymongo quoted at the end of its words, quotes inside it included.

    pymongo does not escape the name; no regular expression is used, so a
    text that repeats the words many times still takes linear time.
    """
    start = said.find(_SET_NAME_TEXT)
    rest = said[start + len(_SET_NAME_TEXT) :].rstrip()
    return rest[:-1] if start >= 0 and rest.endswith('"') else None


def replica_set_problem_in_text(
    message: str, profile: ConnectionProfile = _UNKNOWN_CLIENT
) -> ServerUnreachableError | None:
    """:func:`replica_set_problem` from a ServerSelectionTimeoutError's text alone.

    pymongo says "No primary available for writes" (or that no member
    matches the selector ``Primary()``) only once it knows some member, and
    names the ``replicaSet=`` value when it dropped every server. Its topology
    repr, which would name the members, is not read.
    """
    said = message.split(", Timeout: ", 1)[0]
    wanted = _quoted_set_name(said)
    if wanted is not None:
        return replica_set_mismatch_error(wanted, {}, profile)
    if _NO_PRIMARY_TEXT.search(said):
        return no_primary_error(None, {}, profile)
    return None


def no_answer_in_time(
    failures: Mapping[str, str],
    silent: Iterable[str],
    profile: ConnectionProfile,
    timeout_seconds: float,
) -> AtlasConnectError:
    """The error when serverSelectionTimeoutMS ran out before every server had answered.

    ``failures`` are the servers that failed, ``silent`` those that had not
    answered at all (not even with an error). A failure that needs no more
    waiting (a certificate, the TLS version) still wins; otherwise the
    silent servers are named, with the timeout that was too short for them.
    """
    definitive = diagnose(failures, profile, final=False) if failures else None
    if definitive is not None:
        return definitive
    timeout = f"serverSelectionTimeoutMS ({timeout_seconds * 1000:g} ms)"
    silent_errors = {address: f"{address}: {Kind.NO_ANSWER.value}" for address in silent}
    kinds = sorted({kind_of(text).value for text in failures.values()})
    failed = f"{_hosts(failures)} ({', '.join(kinds)}); " if failures else ""
    unanswered = f"{', '.join(silent_errors)} did not answer" if silent_errors else "no answer"
    return ServerUnreachableError(
        f"No server could be used: {failed}{unanswered} within {timeout}. "
        f"Connection string: {profile.redacted_uri}",
        why="opening a connection (TCP, the TLS handshake, hello) takes from milliseconds to "
        "seconds, more to a distant region; a server that has not answered when "
        "serverSelectionTimeoutMS ends was given too little time, or cannot be reached: "
        + _UNREACHABLE_WHY,
        fix="raise serverSelectionTimeoutMS (pymongo's default, 30000, suits most networks; "
        f"it is {timeout_seconds * 1000:g} here). If the servers still do not answer, "
        + _unreachable_fix({**failures, **silent_errors}),
        server_errors={**failures, **silent_errors},
        reason="no_answer",
    )


def explain_operation_failure(
    exc: OperationFailure, login: pymongo_internals.Login | None
) -> AtlasConnectError | None:
    """Authentication failures (codes 18 and 8000, or no code and the server's words for
    one) and Atlas's 'no SNI name sent'.

    ``login`` is what the client tried (None when the client is not known):
    the server's answer never says which user or database it refused.
    """
    details = exc.details if isinstance(exc.details, Mapping) else {}
    message = str(details.get("errmsg") or exc)
    if exc.code == 8000 and "sni" in message.lower():
        return SNIRefusedError(
            f"Atlas refused the connection: {message}",
            why="shared and free tier clusters route connections by the SNI name and refuse "
            "clients that send none.",
            fix="connect by host name, not IP address, from a Python whose TLS library sends "
            'SNI: `python -c "import ssl; print(ssl.HAS_SNI)"` must print True.',
            code=exc.code,
        )
    lost_code = exc.code is None and re.match(_AUTHENTICATION_FAILED, message, re.IGNORECASE)
    if exc.code in AUTHENTICATION_FAILED_CODES or lost_code:
        refused = message if exc.code is None else f"code {exc.code}: {message}"
        if login is None:
            found = (
                f"The server refused the user name or password ({refused}). The error does "
                "not say which user and authSource were tried."
            )
        else:
            found = f"The server refused the login of {_who(login)} ({refused})."
        return AuthenticationError(
            found,
            why="Atlas checks a database user (Security > Database Access), which is not "
            "the login of the Atlas website, and looks it up in authSource (admin on Atlas).",
            fix=_login_fix(login),
            code=exc.code,
        )
    return None


# Database names of Atlas's sample connection strings, left in place by many users.
_ATLAS_PLACEHOLDER_DATABASES = ("myFirstDatabase", "<dbname>", "<database>")
# authSource of the mechanisms whose users live outside any database (X.509, AWS, OIDC...).
_EXTERNAL_SOURCE = "$external"
_ATLAS_SOURCE = "admin"


def _who(login: pymongo_internals.Login) -> str:
    """``user 'app' with authSource 'admin'`` (and the mechanism, when one was set)."""
    who = f"user {_quoted(login.user)}" if login.user is not None else "the client's certificate"
    mechanism = f" and authMechanism {login.mechanism}" if login.mechanism != "DEFAULT" else ""
    return f"{who} with authSource {_quoted(login.source)}{mechanism}"


def _quoted(value: str | None) -> str:
    """``'value'``, as repr writes it, with no backquote to start a command in a fix."""
    return shell.prose(repr(value))


def _login_fix(login: pymongo_internals.Login | None) -> str:
    """What to check for a refused login: the user tried when it is known, else where to look."""
    encode = "percent-encode special characters of the password with urllib.parse.quote_plus"
    if login is None:
        return (
            "check the connection string the program uses: its user name (between '//' and "
            "':') must be a user listed under Database Access in Atlas, its password that "
            f"user's (reset it there if unsure; {encode}), and authSource must be "
            f"{_ATLAS_SOURCE} or left out."
        )
    if login.source == _EXTERNAL_SOURCE:
        return (
            f"check that {_who(login)} is a user under Database Access in Atlas with that "
            "authentication method, and that its credentials are current."
        )
    user = f"the user {_quoted(login.user)}"
    if login.source in _ATLAS_PLACEHOLDER_DATABASES:
        return (
            f"authSource is {_quoted(login.source)}, the placeholder database of the connection "
            "strings Atlas used to show, taken as authSource because no authSource is "
            f"given; Atlas keeps every database user in {_ATLAS_SOURCE}: replace "
            f"/{login.source} with your database's name and add authSource={_ATLAS_SOURCE} to "
            f"the options. Then check that {user} is listed under Database Access."
        )
    if login.source != _ATLAS_SOURCE:
        return (
            f"authSource is {_quoted(login.source)}, but Atlas keeps every database user in "
            f"{_ATLAS_SOURCE}: write authSource={_ATLAS_SOURCE} in the connection string's "
            "options (a database in its path is also the authSource when none is given). "
            f"Then check that {user} is listed under Database Access with this password."
        )
    return (
        f"check that {user} is listed under Database Access in Atlas and that the password is "
        f"its own (reset it there if unsure); {encode}. authSource={_ATLAS_SOURCE}, as here, "
        "is right for Atlas."
    )


_DNS_REASONS = [
    ("no_resolver", r"cannot open /etc/resolv\.conf|resolver configuration could not be read"),
    ("name_not_found", r"does not exist|None of DNS query names exist|NXDOMAIN"),
    ("no_srv_record", r"does not contain an answer"),
    ("resolver_failed", r"lifetime expired|nameservers failed|timed out|SERVFAIL"),
]


def _dns_reason(message: str) -> str | None:
    """The reason a DNS failure's text gives, read with its spaces ignored.

    A pasted text may have lost or gained spaces inside words (a wrapped
    terminal line, a chat client's layout: "Resolver con figuration"); the
    phrases matched are long enough that ignoring spaces joins no others.
    """
    squeezed = re.sub(r"\s+", "", message)
    for name, pattern in _DNS_REASONS:
        if re.search(re.sub(r"\s+", "", pattern), squeezed, re.IGNORECASE):
            return name
    return None


def explain_dns_failure(
    exc: ConfigurationError, profile: ConnectionProfile
) -> DNSResolutionError | None:
    """The SRV lookup of a ``mongodb+srv://`` host failed: which way, and what to do."""
    message = connection_string.redact(str(exc), profile.secrets)
    reason = _dns_reason(message)
    if reason is None:
        return None
    host = profile.srv_host or _srv_name(message)
    srv = f"_mongodb._tcp.{host}"
    found, why, fix = {
        "name_not_found": (
            f"The DNS name {host} does not exist (no {srv}).",
            "the host of a mongodb+srv:// string names the cluster; a typo or a deleted or "
            "re-created cluster looks like this.",
            "copy the connection string again from Atlas: Database > Connect > Drivers.",
        ),
        "no_srv_record": (
            f"{host} exists in DNS but has no SRV record {srv}.",
            "mongodb+srv:// needs the SRV record that lists the cluster's hosts; this name "
            "is not an Atlas cluster's.",
            "check the host against Atlas (Database > Connect > Drivers); Atlas names look "
            "like cluster0.abcde.mongodb.net.",
        ),
        "no_resolver": (
            f"This machine has no DNS resolver configuration, so the SRV record {srv} could "
            "not be looked up.",
            "dnspython reads the nameservers from /etc/resolv.conf; slim containers, Termux "
            "on Android and some sandboxes have none, or one without a nameserver line.",
            "create /etc/resolv.conf with a nameserver line (for example: `echo 'nameserver "
            "1.1.1.1' > /etc/resolv.conf`; on Termux: `pkg install resolv-conf`), or use the "
            "standard connection string (mongodb://host1,host2,...) that Atlas shows for "
            "older drivers, which needs no SRV lookup.",
        ),
        "resolver_failed": (
            f"The DNS resolver could not answer the SRV query for {srv}: {message}",
            "some routers, ISPs and VPNs do not answer SRV queries, or answer too slowly.",
            "use another resolver (for example 1.1.1.1 or 8.8.8.8) in the network settings, "
            "raise connectTimeoutMS (pymongo's DNS time limit), or use the standard "
            "connection string (mongodb://host1,host2,...) that Atlas shows for older "
            "drivers, which needs no SRV lookup.",
        ),
    }[reason]
    return DNSResolutionError(found, why=why, fix=fix, host=host, reason=reason)


def explain_configuration_error(
    exc: BaseException, profile: ConnectionProfile
) -> AtlasConnectError | None:
    """What a ConfigurationError, an InvalidURI, or a TypeError or ValueError from pymongo says.

    Every :class:`~pymongo.errors.InvalidURI` is a connection string problem,
    and so is a ConfigurationError in the words of pymongo's URI parser (it
    raises "Empty host" as one); other errors are explained only when their
    text is one this module knows.
    """
    if isinstance(exc, ConfigurationError):
        error = explain_dns_failure(exc, profile)
        if error is not None:
            return error
    is_uri_complaint = isinstance(exc, InvalidURI) or (
        isinstance(exc, ConfigurationError) and re.search(URI_COMPLAINT, str(exc), re.IGNORECASE)
    )
    return (
        _dnspython_problem(str(exc))
        or mechanisms.explain_text(_redacted(exc, profile), _uri_of(profile))
        or tls.key_file_text_error(_redacted(exc, profile), _uri_of(profile))
        or _removed_option(str(exc), profile)
        or (_uri_error(str(exc), profile) if is_uri_complaint else None)
    )


def _dnspython_problem(message: str) -> MissingDependencyError | None:
    """dnspython missing, or a release whose API this pymongo does not call correctly."""
    if re.search(r'"?dnspython"? module must be installed', message):
        return MissingDependencyError(
            "pymongo needs dnspython to read a mongodb+srv:// connection string, and it is "
            "not installed in this Python.",
            why="a mongodb+srv:// address is a DNS name whose SRV record lists the cluster's "
            "hosts; pymongo looks it up with dnspython.",
            fix=phrasing.pip_install("dnspython"),
            package="dnspython",
            installed_version=None,
        )
    if re.search(r"unexpected keyword argument '(?:lifetime|search)'", message):
        installed = _installed_version("dnspython")
        return MissingDependencyError(
            f"The installed dnspython ({installed or 'version unknown'}) does not accept the "
            "arguments this pymongo passes to it: the two releases do not fit together.",
            why="pymongo calls dnspython's resolver with arguments that only some dnspython "
            "releases accept; a dnspython much older or newer than pymongo expects fails on "
            "the first mongodb+srv:// lookup.",
            fix=f"{phrasing.pip_install('--upgrade pymongo dnspython')} (both current "
            "releases fit together); `pip check` lists other conflicts.",
            package="dnspython",
            installed_version=installed,
        )
    return None


def _installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


# Options pymongo 4 removed, with the one that replaced each (pymongo's 4.0 migration guide).
_REMOVED_OPTIONS = {
    "ssl_cert_reqs": "nothing: certificates are always verified (tlsCAFile=... names a CA file)",
    "ssl_ca_certs": "tlsCAFile",
    "ssl_certfile": "tlsCertificateKeyFile",
    "ssl_keyfile": "tlsCertificateKeyFile",
    "ssl_pem_passphrase": "tlsCertificateKeyFilePassword",
    "ssl_match_hostname": "nothing: host names are always checked",
    "ssl_crlfile": "tlsCRLFile",
    "ssl_check_hostname": "nothing: host names are always checked",
    "sslcertificatekeyfile": "tlsCertificateKeyFile",
    "socketkeepalive": "nothing: keepalive is always on",
    "waitqueuemultiple": "maxConnecting",
}


def _removed_option(message: str, profile: ConnectionProfile) -> ConnectionStringError | None:
    """``Unknown option ssl_cert_reqs``: an option pymongo 3 had and pymongo 4 removed."""
    match = re.search(r"Unknown option:? ?([A-Za-z_]+)", message)
    if match is None or match.group(1).lower() not in _REMOVED_OPTIONS:
        return None
    name = match.group(1)
    return ConnectionStringError(
        f"pymongo refused the option {name!r}: pymongo 4 removed it.",
        why="pymongo 4 renamed the ssl_* options to tls* ones and dropped some others; code "
        "or a connection string written for pymongo 3 still names them.",
        fix=f"replace {name} with {_REMOVED_OPTIONS[name.lower()]}. atlasconnect.connect() "
        "sets TLS and its CA bundle itself; the list of renamed options is at "
        "https://pymongo.readthedocs.io/en/stable/migrate-to-pymongo4.html",
        redacted_uri=None if profile is _UNKNOWN_CLIENT else profile.redacted_uri,
    )


# What pymongo's URI parser says, and nothing else says.
URI_COMPLAINT = (
    r"RFC 3986|Bad database name|must not include a port|Invalid URI scheme|URI must begin"
    r"|key=value pairs|Port must be|Port contains|Empty host|must include one, and only one"
    r"|is not a valid hostname for 'mongodb\+srv://'"
)
_URI_MISTAKES = [
    (
        r"escaped according to RFC 3986|Bad database name",
        "the user name or password holds a character ('@', ':', '/', '%') that must be "
        "percent-encoded",
        "percent-encode the user name and password before putting them in the URI, e.g. "
        '`python -c "import getpass, urllib.parse; '
        'print(urllib.parse.quote_plus(getpass.getpass()))"`.',
    ),
    (
        r"must not include a port number",
        "a mongodb+srv:// connection string names a port",
        "remove the port (':27017'): the cluster's name is looked up in DNS, and its SRV "
        "record gives each server's port.",
    ),
    (
        r"Empty host",
        "a host in the list is empty: an extra or trailing comma, or a variable that was "
        "empty when the host list was built",
        "check the host list between '@' and '/' for a stray comma, and copy the "
        "connection string from Atlas: Database > Connect > Drivers.",
    ),
    (
        r"is not a valid hostname for 'mongodb\+srv://'",
        "the host of a mongodb+srv:// string must be a DNS name of three or more parts, "
        "like an Atlas cluster's name (cluster0.abcde.mongodb.net)",
        "copy the connection string from Atlas: Database > Connect > Drivers; for one "
        "server, or a name of fewer parts, write mongodb://host:port instead.",
    ),
    (
        r"host: none is not a valid hostname",
        "its host is the word None: " + connection_string.UNSET_VARIABLE_WHY.rstrip("."),
        connection_string.UNSET_VARIABLE_FIX,
    ),
    (
        r"URI must begin with|Invalid URI scheme",
        "the connection string does not start with mongodb:// or mongodb+srv:// (an unset "
        "environment variable formatted into it reads 'None')",
        connection_string.UNSET_VARIABLE_FIX,
    ),
]


def _uri_error(message: str, profile: ConnectionProfile) -> ConnectionStringError:
    """Every InvalidURI, without echoing pymongo's text (it may quote a password)."""
    problem, fix = "the connection string is malformed", connection_string.OPTIONS_FIX
    for pattern, known_problem, known_fix in _URI_MISTAKES:
        if re.search(pattern, message, re.IGNORECASE):
            problem, fix = known_problem, known_fix
    said = re.split(r"[:\"']", message, maxsplit=1)[0].strip()
    return ConnectionStringError(
        f"pymongo refused the connection string ({said}): {problem}.",
        why=connection_string.URI_WHY,
        fix=fix,
        redacted_uri=None if profile is _UNKNOWN_CLIENT else profile.redacted_uri,
    )


def explain_construction_error(exc: BaseException, profile: ConnectionProfile) -> AtlasConnectError:
    """What pymongo raised while reading a URI or building a client: DNS, CA file, or option.

    A ``mongodb+srv://`` URI is looked up while pymongo reads it, so a DNS
    failure can surface here; so can a CA file emptied or deleted since its
    (remembered) check. Anything else is the URI's or an option's fault.
    """
    error = explain_dns_failure(exc, profile) if isinstance(exc, ConfigurationError) else None
    return (
        error
        or mechanisms.explain_text(_redacted(exc, profile), profile.redacted_uri)
        or tls.key_file_text_error(_redacted(exc, profile), profile.redacted_uri)
        or tls.ca_file_problem(profile.ca_file)
        or connection_string.invalid_option_error(exc, profile.secrets, profile.redacted_uri)
    )


def _redacted(exc: BaseException, profile: ConnectionProfile) -> str:
    """The text of an error pymongo raised while reading the client's options: redacted."""
    return connection_string.redact(str(exc), profile.secrets)


def _uri_of(profile: ConnectionProfile) -> str | None:
    """The redacted connection string of a client atlasconnect planned; None for another."""
    return None if profile is _UNKNOWN_CLIENT else profile.redacted_uri


def _srv_name(message: str) -> str:
    match = re.search(r"_mongodb\._tcp\.([A-Za-z0-9.-]+?)\.?(?:\s|$|,)", message)
    return match.group(1) if match else "(the mongodb+srv:// host)"

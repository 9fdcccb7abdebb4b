"""What went wrong on the network, from what each server answered.

pymongo reports most connection failures as one ``ServerSelectionTimeoutError``
whose per-server causes are strings from the TLS library (stdlib ``ssl`` or
pyOpenSSL) or the socket layer. This module sorts each server's error into a
kind, then decides from all servers together which typed error explains the
failure. It works on the exception class and the per-server errors; it never
reads the topology description's repr.
"""

from __future__ import annotations

import datetime
import re
import ssl
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

from pymongo.errors import (
    ConfigurationError,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
)

from . import connection_string, tls
from .environment import OLD_PYTHON_FIX, available_tls_versions
from .exceptions import (
    AtlasConnectError,
    AuthenticationError,
    CertificateVerificationError,
    DNSResolutionError,
    NetworkAccessError,
    ServerUnreachableError,
    SNIRefusedError,
    TLSVersionRefusedError,
)

_T = TypeVar("_T")

ATLAS_DOMAINS = (".mongodb.net", ".mongodbgov.net")
AUTHENTICATION_FAILED_CODES = (18, 8000)


class Kind(Enum):
    """What one server's error says, most telling first."""

    CERTIFICATE_EXPIRED = "certificate expired"
    HOSTNAME_MISMATCH = "host name mismatch"
    CERTIFICATE_UNTRUSTED = "certificate not trusted"
    CERTIFICATE_UNVERIFIED = "certificate verification failed"
    PROTOCOL_VERSION = "TLS version refused"
    ALERT_INTERNAL_ERROR = "TLS alert 80 (internal error)"
    CLOSED = "connection closed"
    UNKNOWN_HOST = "host name unknown"
    REFUSED = "connection refused"
    TIMED_OUT = "timed out"
    OTHER = "other"


# Texts of the stdlib ssl module, pyOpenSSL and the socket layer, in Kind order:
# "certificate verify failed" alone (pyOpenSSL) comes after the precise reasons.
_KIND_PATTERNS = [
    (Kind.CERTIFICATE_EXPIRED, r"certificate has expired|certificate is not yet valid"),
    (Kind.HOSTNAME_MISMATCH, r"hostname mismatch|DNSMismatch|IPAddressMismatch|doesn't match"),
    (Kind.CERTIFICATE_UNTRUSTED, r"unable to get local issuer|self[- ]signed certificate"),
    (Kind.CERTIFICATE_UNVERIFIED, r"certificate verify failed"),
    (Kind.PROTOCOL_VERSION, r"alert protocol version|unsupported protocol|no protocols available"),
    (Kind.ALERT_INTERNAL_ERROR, r"alert internal error"),
    (Kind.CLOSED, r"connection closed|unexpected eof|eof occurred|econnreset|connection reset"),
    (Kind.UNKNOWN_HOST, r"name or service not known|nodename nor servname|getaddrinfo failed"),
    (Kind.REFUSED, r"connection refused|econnrefused"),
    (Kind.TIMED_OUT, r"timed out"),
]
_COMPILED = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _KIND_PATTERNS]
_CERTIFICATE_KINDS = {
    Kind.CERTIFICATE_EXPIRED: "expired",
    Kind.HOSTNAME_MISMATCH: "hostname_mismatch",
    Kind.CERTIFICATE_UNTRUSTED: "untrusted",
    Kind.CERTIFICATE_UNVERIFIED: "unverified",
}
_ADDRESS = re.compile(r"(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):\d+(?=: )")


def kind_of(error_text: str) -> Kind:
    """The kind of failure one server's error text describes."""
    for kind, pattern in _COMPILED:
        if pattern.search(error_text):
            return kind
    return Kind.OTHER


@dataclass(frozen=True)
class ConnectionProfile:
    """What atlasconnect knows about a client it made, to explain that client's failures."""

    redacted_uri: str
    secrets: tuple[str, ...] = field(repr=False)
    ca_file: str | None
    min_tls_version: ssl.TLSVersion
    srv_host: str | None


_UNKNOWN_CLIENT = ConnectionProfile("<unknown>", (), None, tls.DEFAULT_MIN_TLS_VERSION, None)
_profiles: weakref.WeakKeyDictionary[Any, ConnectionProfile] = weakref.WeakKeyDictionary()


def remember(client: Any, profile: ConnectionProfile) -> None:
    """Keep ``profile`` for as long as ``client`` lives, for :func:`explain`."""
    _profiles[client] = profile


def explain(exc: BaseException, client: Any = None) -> AtlasConnectError | None:
    """Turn an error pymongo raised into atlasconnect's typed, explained error.

    Returns None when ``exc`` is not a connection problem atlasconnect knows
    (a duplicate key, say), so that code can write::

        except PyMongoError as exc:
            raise atlasconnect.explain(exc, client) or exc

    Pass the client the error came from when you have it: its per-server
    errors and its CA file make the explanation precise.

    .. versionadded:: 0.1.0
    """
    if isinstance(exc, AtlasConnectError):
        return exc
    profile = _profiles.get(client, _UNKNOWN_CLIENT) if client is not None else _UNKNOWN_CLIENT
    if isinstance(exc, OperationFailure):
        return explain_operation_failure(exc, profile)
    if isinstance(exc, ConfigurationError):
        return explain_dns_failure(exc, profile)
    if isinstance(exc, ServerSelectionTimeoutError):
        # Only this one means "no server at all"; an AutoReconnect in the middle of an
        # operation (a failover, a dropped connection) is pymongo's to retry, not ours.
        errors = server_errors_of(client) if client is not None else {}
        return diagnose(errors or _split_message(str(exc)), profile, final=True)
    return None


def call_explained(client: Any, operation: Callable[[], _T]) -> _T:
    """Return ``operation()``; raise its pymongo error as the typed one where there is one.

    The typed error is raised outside the ``except`` block, so pymongo's
    exception, which may echo a secret, is not chained to it (``__context__``).
    """
    try:
        return operation()
    except PyMongoError as exc:
        error = explain(exc, client)
        if error is None or isinstance(exc, AtlasConnectError):  # nothing to add
            raise
    raise error


async def call_explained_async(client: Any, operation: Callable[[], Awaitable[_T]]) -> _T:
    """:func:`call_explained` for a coroutine."""
    try:
        return await operation()
    except PyMongoError as exc:
        error = explain(exc, client)
        if error is None or isinstance(exc, AtlasConnectError):  # nothing to add
            raise
    raise error


def server_errors_of(client: Any) -> dict[str, str]:
    """Each server's last error, from the client's topology description (public API)."""
    return {
        f"{host}:{port}": str(description.error)
        for (host, port), description in client.topology_description.server_descriptions().items()
        if description.error is not None
    }


def _split_message(message: str) -> dict[str, str]:
    """Per-server errors from a ServerSelectionTimeoutError's text, topology repr left out."""
    text = message.split(", Timeout: ", 1)[0]
    starts = [match.start() for match in _ADDRESS.finditer(text)]
    if not starts:
        return {"(unknown server)": text}
    ends = [*starts[1:], len(text)]
    errors: dict[str, str] = {}
    for start, end in zip(starts, ends, strict=True):
        segment = text[start:end]
        errors[segment.split(": ", 1)[0]] = segment
    return errors


def diagnose(
    server_errors: Mapping[str, str], profile: ConnectionProfile, *, final: bool
) -> AtlasConnectError | None:
    """The error that explains why none of these servers can be used.

    ``server_errors`` holds one entry per server, all failed. With
    ``final=False`` only a definitive diagnosis is returned (waiting will not
    change it); with ``final=True`` the best explanation there is. The texts
    come from the socket and TLS layers, which never saw a secret: they are
    kept as they are, so a password that happens to read "refused" changes
    nothing (see :mod:`atlasconnect.connection_string`).
    """
    if not server_errors:
        return _unreachable({}, profile) if final else None
    errors = dict(server_errors)
    kinds = {address: kind_of(text) for address, text in errors.items()}
    for kind in Kind:
        if kind in _CERTIFICATE_KINDS and kind in kinds.values():
            return _certificate_error(kind, _only(errors, kinds, kind), profile)
    if Kind.PROTOCOL_VERSION in kinds.values():
        return _tls_version_error(_only(errors, kinds, Kind.PROTOCOL_VERSION), profile)
    if _is_atlas(errors) and set(kinds.values()) <= {Kind.ALERT_INTERNAL_ERROR, Kind.CLOSED}:
        return _network_access_error(errors)
    if final or set(kinds.values()) == {Kind.UNKNOWN_HOST}:
        return _unreachable(errors, profile)
    return None


def _only(errors: dict[str, str], kinds: dict[str, Kind], kind: Kind) -> dict[str, str]:
    return {address: text for address, text in errors.items() if kinds[address] is kind}


def _is_atlas(errors: Mapping[str, str]) -> bool:
    hosts = [address.rsplit(":", 1)[0].lower() for address in errors]
    return bool(hosts) and all(host.endswith(ATLAS_DOMAINS) for host in hosts)


def _hosts(errors: Mapping[str, str]) -> str:
    return ", ".join(errors) or "(no server answered)"


def _certificate_error(
    kind: Kind, errors: dict[str, str], profile: ConnectionProfile
) -> CertificateVerificationError:
    trusted = f"the CA file {profile.ca_file}" if profile.ca_file else "the system CA store"
    hosts = _hosts(errors)
    found, why, fix = {
        Kind.CERTIFICATE_UNTRUSTED: (
            f"The certificate of {hosts} is not signed by any CA in {trusted}.",
            "a proxy, firewall or antivirus that inspects TLS replaces Atlas's certificate "
            "with one signed by its own CA; less often, the CA bundle is out of date.",
            _PROXY_FIX,
        ),
        Kind.CERTIFICATE_EXPIRED: (
            f"The certificate of {hosts} is expired or not yet valid by this machine's clock "
            f"({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC).",
            "Atlas renews its certificates well before they expire, so either this machine's "
            "clock is wrong or the CA bundle is stale.",
            "check the clock (`date -u` must show the real UTC time; turn on NTP, e.g. "
            "`timedatectl set-ntp true`), then update the CA bundle: "
            "python -m pip install --upgrade certifi.",
        ),
        Kind.HOSTNAME_MISMATCH: (
            f"The certificate of {hosts} is not valid for the host name in the connection string.",
            "the certificate proves the server's name; a name it does not cover could be "
            "anyone's server.",
            "connect with the host names Atlas gives: copy the connection string from Atlas "
            "(Database > Connect > Drivers), not an IP address or an alias the certificate "
            "does not name.",
        ),
        Kind.CERTIFICATE_UNVERIFIED: (
            f"The certificate of {hosts} could not be verified against {trusted}.",
            "the certificate is signed by an unknown CA (a TLS-inspecting proxy), or it is "
            "expired by this machine's clock.",
            _PROXY_FIX + " Also check the clock: `date -u` must show the real UTC time.",
        ),
    }[kind]
    return CertificateVerificationError(
        found,
        why=why,
        fix=fix,
        server_errors=errors,
        reason=_CERTIFICATE_KINDS[kind],
        ca_file=profile.ca_file,
    )


_PROXY_FIX = (
    "if your network inspects TLS, get its root CA certificate (PEM) from your IT team, "
    'append it to certifi\'s bundle (cat "$(python -m certifi)" corporate-root.pem > '
    "ca-bundle.pem) and pass connect(uri, tlsCAFile='ca-bundle.pem'), or have port 27017 "
    "exempted from inspection. Otherwise update certifi: python -m pip install --upgrade certifi."
)


def _tls_version_error(
    errors: dict[str, str], profile: ConnectionProfile
) -> TLSVersionRefusedError:
    floor = tls.effective_min_tls_version(profile.min_tls_version)
    available = available_tls_versions()
    offered = ", ".join(tls.version_name(v) for v in available if v >= floor)
    return TLSVersionRefusedError(
        f"{_hosts(errors)} refused the TLS handshake with 'alert protocol version': no TLS "
        f"version is acceptable to both sides. This client offers {offered or 'none'}.",
        why="Atlas accepts TLS 1.2 and newer (a cluster can require 1.3); a server or "
        "middlebox that stops at an older version, or a floor above what the server speaks, "
        "leaves nothing in common.",
        fix=f"if you raised min_tls_version above {tls.version_name(floor)}'s default, lower "
        "it to ssl.TLSVersion.TLSv1_2 or check the cluster's minimum TLS version in Atlas "
        "(cluster > Additional Settings). If this Python's OpenSSL lacks TLS 1.2: "
        + OLD_PYTHON_FIX
        + '`openssl version` and python -c "import ssl; print(ssl.OPENSSL_VERSION)".',
        server_errors=errors,
        min_tls_version=floor,
        available=available,
    )


def _network_access_error(errors: dict[str, str]) -> NetworkAccessError:
    hosts = f"Every host of the Atlas cluster ({_hosts(errors)})"
    if len(errors) == 1:
        hosts = f"The Atlas host {_hosts(errors)}"
    return NetworkAccessError(
        f"{hosts} ended the TLS handshake at once (TLS alert 80 'internal error', or a "
        "closed connection).",
        why="this is how Atlas answers a machine whose public IP address is not on the "
        "project's IP access list.",
        fix="in Atlas, open Security > Network Access > IP Access List and add this machine's "
        "public IP address ('Add Current IP Address' when you use the browser on this "
        "machine). To find it from here: curl https://checkip.amazonaws.com. Servers behind "
        "NAT use their gateway's address; changing addresses (home, VPN, CI) need a range. "
        "A new entry takes about a minute to apply.",
        server_errors=errors,
    )


def _unreachable(errors: dict[str, str], profile: ConnectionProfile) -> ServerUnreachableError:
    kinds = {kind_of(text).value for text in errors.values()}
    return ServerUnreachableError(
        f"No server could be used: {_hosts(errors)} ({', '.join(sorted(kinds)) or 'no answer'}"
        f"). Connection string: {profile.redacted_uri}",
        why="a firewall that blocks outbound TCP ports 27015-27017, a paused cluster (free "
        "clusters pause after 60 days without connections), or host names that do not "
        "match the cluster make every server unreachable.",
        fix="allow outbound TCP 27015-27017 to the hosts above (test one with: python -c "
        "\"import socket; socket.create_connection(('HOST', 27017), 5)\"), resume the cluster "
        "in Atlas if it is paused, and compare the host names with the connection string "
        "Atlas shows under Database > Connect.",
        server_errors=errors,
    )


def explain_operation_failure(
    exc: OperationFailure, profile: ConnectionProfile
) -> AtlasConnectError | None:
    """Authentication failures (codes 18 and 8000) and Atlas's 'no SNI name sent'."""
    message = str((exc.details or {}).get("errmsg") or exc)
    if exc.code == 8000 and "sni" in message.lower():
        return SNIRefusedError(
            f"Atlas refused the connection: {message}",
            why="shared and free tier clusters route connections by the SNI name and refuse "
            "clients that send none.",
            fix="connect by host name, not IP address, from a Python whose TLS library sends "
            'SNI: python -c "import ssl; print(ssl.HAS_SNI)" must print True.',
            code=exc.code,
        )
    if exc.code in AUTHENTICATION_FAILED_CODES:
        return AuthenticationError(
            f"The server refused the user name or password (code {exc.code}: {message}).",
            why="Atlas checks a database user (Security > Database Access), which is not "
            "the login of the Atlas website, and looks it up in authSource (admin on Atlas).",
            fix="check the user and its password under Database Access (reset it there if "
            "unsure), percent-encode special characters with urllib.parse.quote_plus, and "
            "keep authSource=admin.",
            code=exc.code,
        )
    return None


_DNS_REASONS = [
    ("name_not_found", re.compile(r"does not exist|NXDOMAIN", re.IGNORECASE)),
    ("no_srv_record", re.compile(r"does not contain an answer", re.IGNORECASE)),
    (
        "resolver_failed",
        re.compile(r"lifetime expired|nameservers failed|timed out|SERVFAIL", re.IGNORECASE),
    ),
]


def explain_dns_failure(
    exc: ConfigurationError, profile: ConnectionProfile
) -> DNSResolutionError | None:
    """The SRV lookup of a ``mongodb+srv://`` host failed: which way, and what to do."""
    message = connection_string.redact(str(exc), profile.secrets)
    reason = next((name for name, pattern in _DNS_REASONS if pattern.search(message)), None)
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


def explain_construction_error(exc: BaseException, profile: ConnectionProfile) -> AtlasConnectError:
    """What pymongo raised while reading a URI or building a client: DNS, CA file, or option.

    A ``mongodb+srv://`` URI is looked up while pymongo reads it, so a DNS
    failure can surface here; so can a CA file emptied or deleted since its
    (remembered) check. Anything else is the URI's or an option's fault.
    """
    error = explain_dns_failure(exc, profile) if isinstance(exc, ConfigurationError) else None
    return (
        error
        or tls.ca_file_problem(profile.ca_file)
        or connection_string.invalid_option_error(exc, profile.secrets, profile.redacted_uri)
    )


def _srv_name(message: str) -> str:
    match = re.search(r"_mongodb\._tcp\.([A-Za-z0-9.-]+?)\.?(?:\s|$|,)", message)
    return match.group(1) if match else "(the mongodb+srv:// host)"

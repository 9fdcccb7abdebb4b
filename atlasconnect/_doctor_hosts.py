"""The doctor's layers of each host, probed at once: TCP connect, TLS handshake, MongoDB
``hello``, authentication and ``ping``.

A host's checks stop at its first failed layer. Every network step is bounded
by the timeout, and each host is probed in a thread of its own, so a dead host
costs about one timeout. The TLS layer shows, when verification fails, the
certificate the server presented (read over a second, unverified connection:
see :mod:`atlasconnect._certificate`).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import queue
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from pymongo import MongoClient
from pymongo.errors import ConfigurationError

from . import _address as address_text
from . import _certificate as certificate
from . import _connection_string as connection_string
from . import _diagnosis as diagnosis
from . import _pymongo_internals as pymongo_internals
from . import _system_ca as system_trust
from . import _tls as tls
from ._client import connect
from ._doctor_layers import HostReport, Layer, LayerName, Progress, Report, Status, Target, running
from ._exceptions import AtlasConnectError, ConnectionStringError
from ._families import Reason
from ._network_errors import CertificateVerificationError

_address = address_text.join


def probe_hosts(report: Report, target: Target, timeout: float, progress: Progress) -> None:
    report.hosts = [HostReport(_address(host, port)) for host, port in target.hosts]
    _all_at_once(
        [
            functools.partial(_probe_host, host_report, host, port, target, timeout, progress)
            for host_report, (host, port) in zip(report.hosts, target.hosts, strict=True)
        ]
    )


def _all_at_once(calls: list[Callable[[], None]]) -> None:
    """Run ``calls`` at once, each in a thread of its own; return when all have returned.

    What one of them raises (its layers catch every failure they check, so
    only a ``progress`` that cannot print, or a bug) is raised here as soon as
    it happens, without waiting for the others. Daemon threads, not a pool's:
    when the caller stops waiting (Ctrl-C raises KeyboardInterrupt here, in the
    main thread), the process can exit at once, without waiting for network
    steps that may take ``timeout`` seconds each to give up.
    """
    ended: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()

    def run(call: Callable[[], None]) -> None:
        try:
            call()
        except BaseException as exc:  # handed to the waiting thread, which raises it
            ended.put(exc)
        else:
            ended.put(None)

    for call in calls:
        threading.Thread(target=run, args=(call,), daemon=True).start()
    for _ in calls:
        raised = ended.get()
        if raised is not None:
            raise raised


def _probe_host(
    report: HostReport,
    host: str,
    port: int,
    target: Target,
    timeout: float,
    progress: Progress,
) -> None:
    explain = functools.partial(host_failure, host=host, port=port, target=target)

    def step(name: LayerName) -> contextlib.AbstractContextManager[Layer]:
        layer = Layer(name)
        report.layers.append(layer)
        return running(layer, report.address, progress, explain)

    checks: list[tuple[LayerName, Callable[[Layer], None]]] = [
        (LayerName.TCP, lambda layer: _tcp(layer, host, port, target, timeout)),
        (LayerName.TLS, lambda layer: _tls(layer, host, port, target, timeout)),
        (LayerName.HELLO, lambda layer: _hello(layer, host, port, target, timeout)),
    ]
    for name, check in checks:
        with step(name) as layer:
            check(layer)
        if layer.status is not Status.OK:
            return
    with contextlib.ExitStack() as cleanup:
        with step(LayerName.AUTHENTICATION) as layer:
            # Built here: the login options themselves can be refused (a password
            # SASLprep rejects, a mechanism whose extra is missing).
            login = cleanup.enter_context(
                _client(host, port, target, timeout, **target.credentials)
            )
            _authenticate(layer, login, target)
        if layer.status is Status.OK:
            with step(LayerName.PING) as layer:
                _ping(layer, login)


def _tcp(layer: Layer, host: str, port: int, target: Target, timeout: float) -> None:
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            layer.details["peer"] = _address(*sock.getpeername()[:2])
    except OSError as exc:
        _network_failure(layer, host, port, exc, target)


def _verifying_context(target: Target, *, system_ca: bool) -> ssl.SSLContext:
    """A context for the TLS layer's handshake: the CA file and floor of the application's,
    and the system store too with ``system_ca``."""
    if system_ca:
        context = system_trust.verifying_context(target.ca_file)
    else:
        context = ssl.create_default_context(cafile=target.ca_file)
    tls.raise_floor(context, tls.effective_min_tls_version(target.floor))
    return context


def _tls(layer: Layer, host: str, port: int, target: Target, timeout: float) -> None:
    context = _verifying_context(target, system_ca=target.plan.system_ca)
    client_certificate = target.credentials.get("tlsCertificateKeyFile")
    if client_certificate:
        password = target.credentials.get("tlsCertificateKeyFilePassword")
        context.load_cert_chain(client_certificate, password=password)
        layer.details["client_certificate"] = client_certificate
    layer.details.update(
        sni=host, ca_file=target.ca_file, system_ca=target.plan.system_ca, verified=False
    )
    refusal = None
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            context.wrap_socket(sock, server_hostname=host) as tls_sock,
        ):
            peer = tls_sock.getpeercert() or {}
            cipher = tls_sock.cipher()
            layer.details.update(
                version=tls_sock.version(),
                cipher=cipher[0] if cipher else None,
                verified=True,
                subject=_name(peer.get("subject", ())),
                issuer=_name(peer.get("issuer", ())),
                expires=peer.get("notAfter"),
            )
            if client_certificate and tls_sock.version() == "TLSv1.3":
                refusal = _client_certificate_verdict(tls_sock, timeout)
    except ssl.SSLCertVerificationError as exc:
        _network_failure(layer, host, port, exc, target, _HANDSHAKE_FAILED)
        layer.details.update(_presented_evidence(host, port, exc, timeout))
        _ask_system_store(layer, host, port, target, timeout)
    except OSError as exc:
        _network_failure(layer, host, port, exc, target, _HANDSHAKE_FAILED)
    if refusal is not None:
        _network_failure(layer, host, port, refusal, target)


# pymongo's words before a failed TLS handshake: the diagnosis tells a handshake that
# failed from a connection closed once it was over by them.
_HANDSHAKE_FAILED = "SSL handshake failed: "
CLIENT_CERTIFICATE_VERDICT_SECONDS = 0.5
"""How long the TLS layer waits, after a TLS 1.3 handshake with a client certificate, for
the server to refuse it."""


def _client_certificate_verdict(tls_sock: ssl.SSLSocket, timeout: float) -> OSError | None:
    """The server's refusal of the client certificate, if it sends one; None if it waits.

    A TLS 1.3 client finishes its handshake before the server has checked its
    certificate: a refusal comes after, as an alert. A client that sends a
    request first (pymongo's hello) often finds the connection closed instead,
    the alert lost; this one sends nothing and reads, so the alert arrives. A
    MongoDB server that accepted the certificate says nothing until asked.
    """
    tls_sock.settimeout(min(timeout, CLIENT_CERTIFICATE_VERDICT_SECONDS))
    try:
        tls_sock.recv(1)
    except TimeoutError:
        return None
    except OSError as exc:
        return exc
    return None


# OpenSSL's verify codes X509_V_ERR_CERT_NOT_YET_VALID and X509_V_ERR_CERT_HAS_EXPIRED.
_CLOCK_VERIFY_CODES = frozenset({9, 10})


def _presented_evidence(
    host: str, port: int, exc: ssl.SSLCertVerificationError, timeout: float
) -> dict[str, Any]:
    """What the server presented and, for a date failure, this machine's clock.

    Read over a second, unverified connection (see :mod:`atlasconnect._certificate`):
    evidence to show, never trusted. None when that connection fails too.
    """
    now = datetime.datetime.now(datetime.timezone.utc)
    details: dict[str, Any] = {"verify_message": exc.verify_message}
    try:
        presented = certificate.decode(certificate.fetch(host, port, timeout))
    except OSError:
        details["presented_certificate"] = None
        validity = None
    else:
        details["presented_certificate"] = presented.details(now)
        validity = presented.validity(now)
    if exc.verify_code in _CLOCK_VERIFY_CODES or validity in ("expired", "not_yet_valid"):
        details["clock"] = certificate.iso(now)
    return details


def _ask_system_store(layer: Layer, host: str, port: int, target: Target, timeout: float) -> None:
    """Whether the system store trusts the certificate the CA file did not: the evidence for
    advising ``system_ca``, from the operating system's own verifier.

    Only for an issuer the CA file does not know, when ``system_ca`` is off and
    truststore is installed (``system_store_verifies`` stays unset otherwise):
    the same handshake again, with the system store trusted too.
    """
    error = layer.error
    if not isinstance(error, CertificateVerificationError) or error.reason not in _UNKNOWN_ISSUER:
        return
    if target.plan.system_ca or system_trust.version() is None:
        return
    context = _verifying_context(target, system_ca=True)
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            context.wrap_socket(sock, server_hostname=host),
        ):
            layer.details["system_store_verifies"] = True
    except OSError:
        layer.details["system_store_verifies"] = False
        return
    layer.error = diagnosis.trusted_by_system_store(error)


# The certificate failures whose cause may be an issuer the system store knows.
_UNKNOWN_ISSUER = (Reason.UNTRUSTED, Reason.UNVERIFIED)


def _name(rdns: Any) -> str:
    return ", ".join(f"{key}={value}" for rdn in rdns for key, value in rdn)


def _network_failure(
    layer: Layer, host: str, port: int, exc: OSError, target: Target, prefix: str = ""
) -> None:
    """Mark ``layer`` failed with the typed error this one host's failure points to.

    ``prefix``: pymongo's words before the error, where it has some.
    """
    address = _address(host, port)
    layer.status = Status.FAILED
    layer.failure_text = f"{prefix}{address}: {exc}"
    layer.error = diagnosis.diagnose({address: layer.failure_text}, target.profile, final=True)


def _client(
    host: str, port: int, target: Target, timeout: float, **credentials: Any
) -> MongoClient[Any]:
    milliseconds = max(1, round(timeout * 1000))  # 0 would mean "no time limit" to pymongo
    database = quote(target.database, safe="") if target.database else ""
    return connect(
        f"mongodb://{_address(host, port)}/{database}",
        min_tls_version=target.floor,
        system_ca=target.plan.system_ca,
        tlsCAFile=target.ca_file,
        directConnection=True,
        serverSelectionTimeoutMS=milliseconds,
        connectTimeoutMS=milliseconds,
        socketTimeoutMS=milliseconds,
        **credentials,
    )


def _hello(layer: Layer, host: str, port: int, target: Target, timeout: float) -> None:
    """``hello`` needs no login: a client without credentials tells this layer apart."""
    # A client certificate is part of TLS, not of the login: a server may require it.
    tls_options = {k: v for k, v in target.credentials.items() if k.startswith("tls")}
    client = _client(host, port, target, timeout, **tls_options)
    try:
        hello = diagnosis.call_explained(client, lambda: client.admin.command("hello"))
    finally:
        client.close()
    layer.details.update(
        role=_role(hello),
        replica_set=hello.get("setName"),
        max_wire_version=hello.get("maxWireVersion"),
        primary=hello.get("primary"),
    )
    wanted = target.replica_set
    if wanted is not None and layer.details["role"] != "mongos" and hello.get("setName") != wanted:
        # pymongo would drop this server: it is not of the set the application asks for.
        seen = {_address(host, port): hello.get("setName")}
        raise diagnosis.replica_set_mismatch_error(wanted, seen, target.profile)


def _role(hello: dict[str, Any]) -> str:
    if hello.get("msg") == "isdbgrid":
        return "mongos"
    if hello.get("setName") is None:
        return "standalone"
    if hello.get("isWritablePrimary"):
        return "primary"
    return "secondary" if hello.get("secondary") else "other"


def _authenticate(layer: Layer, client: MongoClient[Any], target: Target) -> None:
    login = pymongo_internals.login_of(client)
    layer.details["user"] = target.credentials.get("username")
    layer.details["auth_source"] = login.source if login else None
    # The first command on a connection logs in.
    diagnosis.call_explained(client, lambda: client.admin.command("ping"))


def _ping(layer: Layer, client: MongoClient[Any]) -> None:
    start = time.monotonic()
    diagnosis.call_explained(client, lambda: client.admin.command("ping"))
    layer.details["round_trip_seconds"] = round(time.monotonic() - start, 4)
    server_info = diagnosis.call_explained(client, client.server_info)
    layer.details["server_version"] = server_info.get("version")


def host_failure(exc: Exception, host: str, port: int, target: Target) -> AtlasConnectError:
    """One host's check raised: a host name or login option the URI got wrong, or the network."""
    profile = target.profile
    if isinstance(exc, UnicodeError):  # the IDNA codec, before any lookup
        return ConnectionStringError(
            f"The host name {host!r} in the connection string is not a valid host name: "
            f"{connection_string.redact(str(exc), profile.secrets)}",
            why="host names are dot-separated labels of 1 to 63 characters (letters, digits, "
            "hyphens, or valid IDNA); this one cannot be looked up at all.",
            fix="copy the connection string again from Atlas (Database > Connect > Drivers); "
            "Atlas host names look like cluster0-shard-00-00.abcde.mongodb.net.",
            redacted_uri=profile.redacted_uri,
        )
    if isinstance(exc, (ConfigurationError, ValueError, TypeError)):
        # pymongo's words for a login option it cannot use (a password SASLprep refuses).
        return diagnosis.explain_configuration_error(
            exc, profile
        ) or connection_string.invalid_option_error(exc, profile.secrets, profile.redacted_uri)
    address = _address(host, port)
    error = diagnosis.diagnose({address: f"{address}: {exc}"}, profile, final=True)
    return error or connection_string.invalid_option_error(
        exc, profile.secrets, profile.redacted_uri
    )

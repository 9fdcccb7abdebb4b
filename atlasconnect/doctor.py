"""``atlasconnect doctor``: check every layer between this machine and a cluster.

Layers, in order: the environment, the connection string, DNS (for
``mongodb+srv://``), then for every host at once: TCP connect, TLS handshake,
MongoDB ``hello``, authentication and ``ping``. A host's checks stop at its
first failed layer; the whole run stops at a failed environment, connection
string or DNS layer, since the hosts cannot be known or reached safely then.
Every network step is bounded by ``timeout`` seconds, and hosts are probed
concurrently, so a dead host costs about one timeout.

The result is a :class:`Report`; :mod:`atlasconnect.cli` prints it for people
or as JSON (schema: ``doctor-schema.json`` beside this module).
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import certifi
from pymongo import MongoClient
from pymongo.errors import ConfigurationError, PyMongoError
from pymongo.uri_parser import parse_uri

from . import connection_string, diagnosis, environment, tls
from ._pymongo_internals import FlooredCAFile
from .client import connect
from .exceptions import AtlasConnectError

DEFAULT_TIMEOUT = 5.0
"""Seconds each network step may take, unless ``--timeout`` says otherwise."""


@dataclass
class Layer:
    """The outcome of one check."""

    name: str
    status: str = "skipped"
    """``"ok"``, ``"failed"`` or ``"skipped"``."""
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)
    error: AtlasConnectError | None = None
    failure_text: str | None = None
    """What the network said, for classifying TCP and TLS failures across hosts."""


@dataclass
class HostReport:
    """The layered checks of one host."""

    address: str
    layers: list[Layer] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return bool(self.layers) and all(layer.status == "ok" for layer in self.layers)


@dataclass
class Report:
    """Everything the doctor found, and the verdict."""

    uri: str | None
    layers: list[Layer] = field(default_factory=list)
    hosts: list[HostReport] = field(default_factory=list)
    error: AtlasConnectError | None = None
    summary: str = ""


Progress = Callable[[str | None, Layer], None]
"""Called when a layer starts (status ``"running"``) and ends; host None: a global layer."""


def _no_progress(host: str | None, layer: Layer) -> None:
    """The default :data:`Progress`: nobody is watching."""


@contextmanager
def _step(layer: Layer, host: str | None, progress: Progress) -> Iterator[Layer]:
    """Time a layer and report it; an AtlasConnectError inside marks it failed."""
    layer.status = "running"
    progress(host, layer)
    start = time.monotonic()
    try:
        yield layer
    except AtlasConnectError as exc:
        layer.status, layer.error = "failed", exc
    else:
        if layer.status == "running":
            layer.status = "ok"
    finally:
        layer.seconds = time.monotonic() - start
        progress(host, layer)


@dataclass
class _Target:
    """What the global layers learnt, for probing the hosts."""

    parsed: connection_string.ConnectionString
    ca_file: str
    floor: ssl.TLSVersion
    hosts: list[tuple[str, int]]
    credentials: dict[str, Any] = field(repr=False)

    @property
    def profile(self) -> diagnosis.ConnectionProfile:
        parsed = self.parsed
        return diagnosis.ConnectionProfile(
            parsed.redacted, parsed.secrets, self.ca_file, self.floor, parsed.srv_host
        )


def run(
    uri: str | None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    min_tls_version: ssl.TLSVersion = tls.DEFAULT_MIN_TLS_VERSION,
    progress: Progress = _no_progress,
) -> Report:
    """Check every layer from this machine to the cluster at ``uri``."""
    report = Report(uri=None)
    floor = min_tls_version
    with _step(Layer("environment"), None, progress) as layer:
        report.layers.append(layer)
        layer.details = {
            label.lower().replace(" ", "_"): value for label, value in environment.report(floor)
        }
        environment.run_checks(floor, certifi.where(), is_srv=False)
    report.error = layer.error
    target = None
    if uri is not None and report.error is None:
        target = _check_connection_string(report, uri, floor, progress)
    if target is not None:
        _check_dns(report, target, timeout, progress)
    if target is not None and report.error is None:
        _probe_hosts(report, target, timeout, progress)
        report.error = _hosts_verdict(report.hosts, target.profile)
    report.summary = _summary(report)
    return report


def _check_connection_string(
    report: Report, uri: str, floor: ssl.TLSVersion, progress: Progress
) -> _Target | None:
    target = None
    with _step(Layer("connection_string"), None, progress) as layer:
        report.layers.append(layer)
        parsed = connection_string.parse(uri)
        report.uri = parsed.redacted
        unsafe = tls.insecure_settings(parsed.written_options, {})
        ca_file = tls.choose_ca_file(parsed.options, {})
        layer.details = {
            "uri": parsed.redacted,
            "scheme": "mongodb+srv" if parsed.is_srv else "mongodb",
            "options": dict(parsed.shown_options),
            "unsafe_options": [error.setting for error in unsafe],
            "ca_file": ca_file,
        }
        if unsafe:
            raise unsafe[0]
        if ca_file != certifi.where():
            tls.check_ca_file(ca_file)
        connection_string.validate_options(parsed)
        if parsed.is_srv:
            environment.check_dnspython()
        target = _Target(parsed, ca_file, floor, [], {})
        if not parsed.is_srv:
            target.hosts, target.credentials = _hosts_and_credentials(parsed, target.profile, None)
        layer.details["hosts"] = [_address(*host) for host in target.hosts] or [parsed.srv_host]
    report.error = layer.error
    return target if layer.status == "ok" else None


# What a per-host client needs from the URI to log in as the application would.
_LOGIN_OPTIONS = (
    "authSource",
    "authMechanism",
    "authMechanismProperties",
    "tlsCertificateKeyFile",
    "tlsCertificateKeyFilePassword",
    "tlsCRLFile",
)


def _hosts_and_credentials(
    parsed: connection_string.ConnectionString,
    profile: diagnosis.ConnectionProfile,
    timeout: float | None,
) -> tuple[list[tuple[str, int]], dict[str, Any]]:
    """Hosts and login as pymongo reads them (for SRV: after its own DNS lookup)."""
    try:
        result = parse_uri(parsed.uri, connect_timeout=timeout)
    except (PyMongoError, ValueError, TypeError, OSError) as exc:
        error = diagnosis.explain_construction_error(exc, profile)
    else:
        options = result["options"]
        credentials = {
            name: options[name] for name in _LOGIN_OPTIONS if options.get(name) is not None
        }
        if result["username"] is not None:
            credentials.update(username=result["username"], password=result["password"])
        return [(str(h), int(p)) for h, p in result["nodelist"]], credentials
    raise error


def _check_dns(report: Report, target: _Target, timeout: float, progress: Progress) -> None:
    layer = Layer("dns")
    report.layers.append(layer)
    if not target.parsed.is_srv:
        layer.details = {"reason": "mongodb:// lists its hosts; there is nothing to look up"}
        progress(None, layer)
        return
    import dns.resolver

    name = f"_mongodb._tcp.{target.parsed.srv_host}"
    with _step(layer, None, progress):
        layer.details["srv_name"] = name
        try:
            answers = dns.resolver.resolve(name, "SRV", lifetime=timeout)
        except dns.exception.DNSException as exc:
            error = diagnosis.explain_dns_failure(ConfigurationError(str(exc)), target.profile)
            if error is None:
                raise
        else:
            error = None
            layer.details["targets"] = [
                _address(str(a.target).rstrip("."), a.port) for a in answers
            ]
            layer.details["txt"] = _txt(str(target.parsed.srv_host), timeout)
            target.hosts, target.credentials = _hosts_and_credentials(
                target.parsed, target.profile, timeout
            )
        if error is not None:
            raise error
    report.error = layer.error


def _txt(name: str, timeout: float) -> str | None:
    import dns.resolver

    try:
        answers = dns.resolver.resolve(name, "TXT", lifetime=timeout)
    except dns.exception.DNSException:
        return None
    return "".join(b.decode() for record in answers for b in record.strings)


def _probe_hosts(report: Report, target: _Target, timeout: float, progress: Progress) -> None:
    report.hosts = [HostReport(_address(host, port)) for host, port in target.hosts]
    with ThreadPoolExecutor(max_workers=len(target.hosts)) as pool:
        for host_report, (host, port) in zip(report.hosts, target.hosts, strict=True):
            pool.submit(_probe_host, host_report, host, port, target, timeout, progress)


def _probe_host(
    report: HostReport,
    host: str,
    port: int,
    target: _Target,
    timeout: float,
    progress: Progress,
) -> None:
    login = _client(host, port, target, timeout, **target.credentials)
    steps: list[tuple[str, Callable[[Layer], None]]] = [
        ("tcp", lambda layer: _tcp(layer, host, port, target, timeout)),
        ("tls", lambda layer: _tls(layer, host, port, target, timeout)),
        ("hello", lambda layer: _hello(layer, host, port, target, timeout)),
        ("authentication", lambda layer: _authenticate(layer, login, target)),
        ("ping", lambda layer: _ping(layer, login)),
    ]
    try:
        for name, check in steps:
            with _step(Layer(name), report.address, progress) as layer:
                report.layers.append(layer)
                check(layer)
            if layer.status != "ok":
                return
    finally:
        login.close()


def _tcp(layer: Layer, host: str, port: int, target: _Target, timeout: float) -> None:
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            layer.details["peer"] = _address(*sock.getpeername()[:2])
    except OSError as exc:
        _network_failure(layer, host, port, exc, target)


def _tls(layer: Layer, host: str, port: int, target: _Target, timeout: float) -> None:
    context = ssl.create_default_context(cafile=target.ca_file)
    tls.raise_floor(context, tls.effective_min_tls_version(target.floor))
    client_certificate = target.credentials.get("tlsCertificateKeyFile")
    if client_certificate:
        password = target.credentials.get("tlsCertificateKeyFilePassword")
        context.load_cert_chain(client_certificate, password=password)
        layer.details["client_certificate"] = client_certificate
    layer.details.update(sni=host, ca_file=target.ca_file, verified=False)
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            context.wrap_socket(sock, server_hostname=host) as tls_sock,
        ):
            certificate = tls_sock.getpeercert() or {}
            cipher = tls_sock.cipher()
            layer.details.update(
                version=tls_sock.version(),
                cipher=cipher[0] if cipher else None,
                verified=True,
                subject=_name(certificate.get("subject", ())),
                issuer=_name(certificate.get("issuer", ())),
                expires=certificate.get("notAfter"),
            )
    except OSError as exc:
        _network_failure(layer, host, port, exc, target)


def _name(rdns: Any) -> str:
    return ", ".join(f"{key}={value}" for rdn in rdns for key, value in rdn)


def _network_failure(layer: Layer, host: str, port: int, exc: OSError, target: _Target) -> None:
    """Mark ``layer`` failed with the typed error this one host's failure points to."""
    address = _address(host, port)
    layer.status = "failed"
    layer.failure_text = f"{address}: {exc}"
    layer.error = diagnosis.diagnose({address: layer.failure_text}, target.profile, final=True)


def _client(
    host: str, port: int, target: _Target, timeout: float, **credentials: Any
) -> MongoClient[Any]:
    milliseconds = int(timeout * 1000)
    return connect(
        f"mongodb://{_address(host, port)}/",
        min_tls_version=target.floor,
        tlsCAFile=FlooredCAFile(target.ca_file, target.floor),
        directConnection=True,
        serverSelectionTimeoutMS=milliseconds,
        connectTimeoutMS=milliseconds,
        socketTimeoutMS=milliseconds,
        **credentials,
    )


def _hello(layer: Layer, host: str, port: int, target: _Target, timeout: float) -> None:
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
    )


def _role(hello: dict[str, Any]) -> str:
    if hello.get("msg") == "isdbgrid":
        return "mongos"
    if hello.get("setName") is None:
        return "standalone"
    if hello.get("isWritablePrimary"):
        return "primary"
    return "secondary" if hello.get("secondary") else "other"


def _authenticate(layer: Layer, client: MongoClient[Any], target: _Target) -> None:
    layer.details["user"] = target.credentials.get("username")
    layer.details["auth_source"] = target.credentials.get("authSource", "admin")
    # The first command on a connection logs in.
    diagnosis.call_explained(client, lambda: client.admin.command("ping"))


def _ping(layer: Layer, client: MongoClient[Any]) -> None:
    start = time.monotonic()
    diagnosis.call_explained(client, lambda: client.admin.command("ping"))
    layer.details["round_trip_seconds"] = round(time.monotonic() - start, 4)
    server_info = diagnosis.call_explained(client, client.server_info)
    layer.details["server_version"] = server_info.get("version")


def _summary(report: Report) -> str:
    if report.error is not None:
        return f"{type(report.error).__name__}: {report.error.found}"
    if report.hosts:
        every = f"All {len(report.hosts)} hosts" if len(report.hosts) > 1 else "The host"
        return f"{every} answered: TCP, TLS, hello, login and ping."
    return "This environment is fit for MongoDB Atlas (no connection string given)."


def _hosts_verdict(
    hosts: list[HostReport], profile: diagnosis.ConnectionProfile
) -> AtlasConnectError | None:
    failed = [host for host in hosts if not host.healthy]
    if not failed:
        return None
    last = [host.layers[-1] for host in failed]
    for layer in last:  # a refused login is the cluster's answer, whichever host gave it
        if layer.name == "authentication" and layer.error is not None:
            return layer.error
    texts = {host.address: layer.failure_text for host, layer in zip(failed, last, strict=True)}
    if len(failed) == len(hosts) and all(texts.values()):
        return diagnosis.diagnose(
            {address: str(text) for address, text in texts.items()}, profile, final=True
        )
    return next(layer.error for layer in last if layer.error is not None)


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

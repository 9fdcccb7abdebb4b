"""``atlasconnect doctor``: check every layer between this machine and a cluster.

Layers, in order: the environment, the connection string, DNS (the SRV
record of ``mongodb+srv://``, or each ``mongodb://`` host's addresses), then
for every host at once: TCP connect, TLS handshake (showing the certificate
the server presented when verification fails: see :mod:`._certificate`),
MongoDB ``hello``, authentication and ``ping``. A host's checks stop at its
first failed layer; the whole run stops at a failed environment, connection
string or DNS layer, since the hosts cannot be known or reached safely then.
Every network step is bounded by ``timeout`` seconds, and hosts are probed
concurrently, so a dead host costs about one timeout. Hosts that all pass
are judged together once more: replica-set members that answered ``hello``
with no primary among them, nor one they know of, are a set with no primary.

The connection-string layer runs :func:`atlasconnect.connect`'s own checks (it
builds the client as ``connect()`` does, without connecting, and closes it), so
the doctor refuses exactly the URIs ``connect()`` refuses, with the same error.
Whatever a layer raises ends that layer as failed with a typed, explained
:class:`AtlasConnectError`: the doctor reports, it does not crash.

The result is a :class:`Report`; :mod:`atlasconnect._cli` prints it for people
or as JSON (schema: ``doctor-schema.json`` beside this module).
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from pymongo import MongoClient
from pymongo.errors import ConfigurationError, PyMongoError

from . import _address as address_text
from . import _certificate as certificate
from . import _connection_string as connection_string
from . import _diagnosis as diagnosis
from . import _environment as environment
from . import _environment_facts as environment_facts
from . import _phrasing as phrasing
from . import _pymongo_internals as pymongo_internals
from . import _shell as shell
from . import _tls as tls
from ._client import connect
from ._doctor_layers import LayerName, Status
from ._exceptions import (
    AtlasConnectError,
    ConnectionStringError,
    DNSResolutionError,
)
from ._plan import ConnectionPlan

DEFAULT_TIMEOUT = 5.0
"""Seconds each network step may take, unless ``--timeout`` says otherwise."""

MAX_TIMEOUT = 3600.0
"""The longest ``timeout`` allowed: one hour per step is already more than any network needs."""

DEFAULT_SRV_SERVICE_NAME = "mongodb"
"""The SRV service looked up unless the URI's ``srvServiceName`` names another."""


@dataclass
class Layer:
    """The outcome of one check."""

    name: LayerName
    status: Status | None = None
    """How it ended; None while it runs."""
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)
    error: AtlasConnectError | None = None
    failure_text: str | None = None
    """What the network said, for classifying TCP and TLS failures across hosts."""
    facts: environment_facts.Facts | None = None
    """The environment layer's facts (its ``details`` are their JSON form); None for others."""


@dataclass
class HostReport:
    """The layered checks of one host."""

    address: str
    layers: list[Layer] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return bool(self.layers) and all(layer.status is Status.OK for layer in self.layers)


@dataclass
class Report:
    """Everything the doctor found, and the verdict."""

    uri: str | None
    layers: list[Layer] = field(default_factory=list)
    hosts: list[HostReport] = field(default_factory=list)
    error: AtlasConnectError | None = None
    summary: str = ""


Progress = Callable[[str | None, Layer], None]
"""Called when a layer starts (its status None) and when it ends; host None: a global layer."""

Explain = Callable[[Exception], AtlasConnectError]
"""Turns an exception a layer raised that is not an AtlasConnectError into one."""


def _no_progress(host: str | None, layer: Layer) -> None:
    """The default :data:`Progress`: nobody is watching."""


@contextlib.contextmanager
def _step(layer: Layer, host: str | None, progress: Progress, explain: Explain) -> Iterator[Layer]:
    """Time a layer and report it; any exception inside marks it failed, explained.

    ``explain`` turns what is not already an AtlasConnectError into one; the
    original exception is dropped, not chained, since it may echo a secret.
    """
    layer.status = None
    progress(host, layer)
    start = time.monotonic()
    try:
        yield layer
    except AtlasConnectError as exc:
        layer.status, layer.error = Status.FAILED, exc
    except Exception as exc:  # every failure becomes a failed, explained layer
        layer.status, layer.error = Status.FAILED, explain(exc)
    else:
        if layer.status is None:  # not failed by the check itself
            layer.status = Status.OK
    finally:
        layer.seconds = time.monotonic() - start
        progress(host, layer)


@dataclass
class _Target:
    """What the global layers learnt, for probing the hosts."""

    plan: ConnectionPlan
    """The plan of the connection string (:meth:`ConnectionPlan.of`): its CA file, floor and
    profile are the ones ``connect()`` uses."""
    hosts: list[tuple[str, int]] = field(default_factory=list)
    credentials: dict[str, Any] = field(default_factory=dict, repr=False)
    database: str | None = None
    """The URI's database: pymongo's authSource when none is given, so the login's too."""
    replica_set: str | None = None
    """The set ``replicaSet=`` (or, for ``mongodb+srv://``, the TXT record) names."""
    direct: bool = False
    """``directConnection=true``: the application uses the one host as it is."""

    @property
    def parsed(self) -> connection_string.ConnectionString:
        return self.plan.parsed

    @property
    def ca_file(self) -> str:
        return self.plan.ca_file

    @property
    def floor(self) -> ssl.TLSVersion:
        return self.plan.floor

    @property
    def profile(self) -> diagnosis.ConnectionProfile:
        return self.plan.profile

    @property
    def srv_name(self) -> str:
        """The SRV record pymongo looks up: ``_<srvServiceName>._tcp.<host>``."""
        service = next(
            (str(v) for k, v in self.parsed.options.items() if k.lower() == "srvservicename"),
            DEFAULT_SRV_SERVICE_NAME,
        )
        return f"_{service}._tcp.{self.parsed.srv_host}"


def run(
    uri: str | None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    min_tls_version: ssl.TLSVersion = tls.DEFAULT_MIN_TLS_VERSION,
    progress: Progress = _no_progress,
) -> Report:
    """Check every layer from this machine to the cluster at ``uri``.

    ``timeout`` must be above 0 and at most :data:`MAX_TIMEOUT` seconds
    (ValueError otherwise: the command line refuses such values before).
    """
    if not 0 < timeout <= MAX_TIMEOUT:  # also false for NaN
        raise ValueError(
            f"timeout must be above 0 and at most {MAX_TIMEOUT:g} seconds, not {timeout!r}"
        )
    report = Report(uri=None)
    floor = min_tls_version
    with _step(Layer(LayerName.ENVIRONMENT), None, progress, _environment_failure) as layer:
        report.layers.append(layer)
        layer.facts = environment_facts.gather(floor)
        layer.details = environment_facts.details(layer.facts)
        environment.run_checks(floor, layer.facts.ca_file, is_srv=False)
    report.error = layer.error
    target = None
    if uri is not None and report.error is None:
        target = _check_connection_string(report, uri, floor, progress)
    if target is not None:
        _check_dns(report, target, timeout, progress)
    if target is not None and report.error is None:
        _probe_hosts(report, target, timeout, progress)
        report.error = _hosts_verdict(report.hosts, target) or _primary_verdict(
            report.hosts, target
        )
    report.summary = _summary(report)
    return report


def _check_connection_string(
    report: Report, uri: str, floor: ssl.TLSVersion, progress: Progress
) -> _Target | None:
    target = None
    with _step(Layer(LayerName.CONNECTION_STRING), None, progress, _uri_failure(uri)) as layer:
        report.layers.append(layer)
        parsed = connection_string.parse(uri)
        report.uri = parsed.redacted
        plan = ConnectionPlan.of(parsed, floor, {})
        layer.details = _connection_string_details(plan)
        _preflight(uri, floor)
        target = _Target(plan)
        if not parsed.is_srv:
            _read_seeds(target, None)
        layer.details["hosts"] = [_address(*host) for host in target.hosts] or [parsed.srv_host]
    report.error = layer.error
    return target if layer.status is Status.OK else None


def _preflight(uri: str, floor: ssl.TLSVersion) -> None:
    """Every check :func:`connect` makes before it connects, by building its client.

    ``connect=False``: the client neither connects nor looks up a
    ``mongodb+srv://`` name; the doctor's own layers do that, step by step.
    """
    connect(uri, min_tls_version=floor, connect=False).close()


def _connection_string_details(plan: ConnectionPlan) -> dict[str, Any]:
    """What the connection-string layer shows, known before any check can fail."""
    parsed = plan.parsed
    return {
        "uri": parsed.redacted,
        "scheme": "mongodb+srv" if parsed.is_srv else "mongodb",
        "options": dict(parsed.shown_options),
        "unsafe_options": [
            error.setting for error in tls.insecure_settings(parsed.written_options, {})
        ],
        "ca_file": plan.ca_file,
    }


# What a per-host client needs from the URI to log in as the application would.
_LOGIN_OPTIONS = (
    "authSource",
    "authMechanism",
    "authMechanismProperties",
    "tlsCertificateKeyFile",
    "tlsCertificateKeyFilePassword",
    "tlsCRLFile",
)


def _read_seeds(target: _Target, timeout: float | None) -> None:
    """Hosts, login, database and replica set as pymongo reads them (SRV: after its DNS lookup)."""
    try:
        result = pymongo_internals.parse_uri(target.parsed.uri, connect_timeout=timeout)
    except AtlasConnectError:  # pymongo no longer reads a URI as atlasconnect calls it
        raise
    except (PyMongoError, ValueError, TypeError, OSError) as exc:
        error = diagnosis.explain_construction_error(exc, target.profile)
    else:
        options = result["options"]
        credentials = {
            name: options[name] for name in _LOGIN_OPTIONS if options.get(name) is not None
        }
        if result["username"] is not None:
            credentials.update(username=result["username"], password=result["password"])
        target.hosts = [(str(h), int(p)) for h, p in result["nodelist"]]
        target.credentials = credentials
        target.database = result["database"]
        target.replica_set = options.get("replicaSet")
        target.direct = bool(options.get("directConnection"))
        return
    raise error


def _check_dns(report: Report, target: _Target, timeout: float, progress: Progress) -> None:
    layer = Layer(LayerName.DNS)
    report.layers.append(layer)
    if target.parsed.is_srv:
        _lookup_srv(layer, target, timeout, progress)
    else:
        _resolve_hosts(layer, target, timeout, progress)
    report.error = layer.error


def _lookup_srv(layer: Layer, target: _Target, timeout: float, progress: Progress) -> None:
    import dns.resolver

    name = target.srv_name
    # A failed lookup raises DNSException; _dns_failure explains it.
    with _step(layer, None, progress, functools.partial(_dns_failure, target=target)):
        layer.details["srv_name"] = name
        answers = dns.resolver.resolve(name, "SRV", lifetime=timeout)
        layer.details["targets"] = [_address(str(a.target).rstrip("."), a.port) for a in answers]
        layer.details["txt"] = _txt(str(target.parsed.srv_host), timeout)
        _read_seeds(target, timeout)


def _resolve_hosts(layer: Layer, target: _Target, timeout: float, progress: Progress) -> None:
    """Resolve every host a ``mongodb://`` URI lists, as the TCP layer will."""
    # Every lookup's failure is an answer, explained below; anything else is unforeseen.
    unforeseen = functools.partial(diagnosis.explain_construction_error, profile=target.profile)
    with _step(layer, None, progress, unforeseen):
        answers = _resolve_all(target.hosts, timeout)
        layer.details["addresses"] = {
            _address(*host): found for host, found in answers.items() if isinstance(found, list)
        }
        unresolved = {host: exc for host, exc in answers.items() if not isinstance(exc, list)}
        layer.details["unresolved"] = {
            _address(*host): connection_string.redact(str(exc), target.profile.secrets)
            for host, exc in unresolved.items()
        }
        if unresolved:
            (host, port), exc = next(iter(unresolved.items()))
            raise _unresolved_host(host, port, exc, target)


Resolved = list[str] | Exception
"""A host's addresses, or why it has none."""


def _resolve_all(hosts: list[tuple[str, int]], timeout: float) -> dict[tuple[str, int], Resolved]:
    """Every host's addresses, looked up at once, each within ``timeout`` seconds.

    ``getaddrinfo`` has no timeout of its own: each lookup runs in a daemon
    thread, and one that has not answered in time is left to finish alone.
    """
    answers: dict[tuple[str, int], Resolved] = {}

    def resolve(host: str, port: int) -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            answers[host, port] = exc
        else:
            answers[host, port] = list(dict.fromkeys(str(info[4][0]) for info in infos))

    threads = [threading.Thread(target=resolve, args=host, daemon=True) for host in hosts]
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    no_answer = TimeoutError(f"no answer within {timeout:g} s")
    return {host: answers.get(host, no_answer) for host in hosts}


# getaddrinfo's answers for a name DNS does not know, as opposed to a resolver that failed.
_NAME_NOT_FOUND = frozenset(
    getattr(socket, code) for code in ("EAI_NONAME", "EAI_NODATA") if hasattr(socket, code)
)


def _unresolved_host(host: str, port: int, exc: Exception, target: _Target) -> AtlasConnectError:
    """The typed error for a ``mongodb://`` host that has no address."""
    if isinstance(exc, UnicodeError):  # the IDNA codec refused the name before any lookup
        return _host_failure(exc, host, port, target)
    said = connection_string.redact(str(exc), target.profile.secrets)
    found = f"The host name {host} of the mongodb:// connection string does not resolve: {said}"
    name = shell.host(host)
    if isinstance(exc, socket.gaierror) and exc.errno in _NAME_NOT_FOUND:
        if name is not None and _looks_like_atlas_srv_name(name):
            hosts = shell.command("nslookup -type=SRV _mongodb._tcp.{name}", name=name)
            return DNSResolutionError(
                found,
                why=f"{name} is the name of an Atlas cluster, not of one of its hosts: it "
                "has an SRV record listing the hosts, and no address of its own, so a "
                "mongodb:// connection string cannot connect to it.",
                fix=f"use the mongodb+srv:// connection string Atlas shows (Database > "
                f"Connect > Drivers): mongodb+srv://USER:PASSWORD@{name}/ with no port. "
                f"To list the hosts instead: {hosts}",
                host=host,
                reason="name_not_found",
            )
        check = (
            f"; check the name with {shell.command('nslookup {name}', name=name)}"
            if name is not None
            else f": {_not_a_host_name(host)}"
        )
        return DNSResolutionError(
            found,
            why="DNS does not know this name: a typo, a cluster that was deleted or "
            "renamed, or a name that only a VPN or a private DNS zone knows.",
            fix="copy the connection string again from Atlas (Database > Connect > "
            f"Drivers) and compare the host names{check}. "
            "If it is your cluster's name (cluster0.abcde.mongodb.net), use mongodb+srv://.",
            host=host,
            reason="name_not_found",
        )
    check = f" ({shell.command('nslookup {name}', name=name)})" if name is not None else ""
    return DNSResolutionError(
        found,
        why="this machine's resolver gave no answer for the name, so nothing can connect to it.",
        fix=f"check that this machine resolves names{check}, try another resolver (1.1.1.1 or "
        "8.8.8.8), or raise --timeout."
        + ("" if name is not None else f" Also check the host name: {_not_a_host_name(host)}."),
        host=host,
        reason="resolver_failed",
    )


def _not_a_host_name(host: str) -> str:
    """That ``host`` is not a host name, in words: no command can name it safely."""
    return (
        f"{shell.prose(host)} is not a host name (letters, digits and hyphens, in labels "
        "separated by dots)"
    )


def _looks_like_atlas_srv_name(host: str) -> bool:
    """cluster0.abcde.mongodb.net: three labels before mongodb.net, none a shard host's."""
    labels = host.lower().rstrip(".").split(".")
    return len(labels) == 4 and labels[-2:] == ["mongodb", "net"] and "-shard-" not in labels[0]


def _txt(name: str, timeout: float) -> str | None:
    import dns.resolver

    try:
        answers = dns.resolver.resolve(name, "TXT", lifetime=timeout)
    except dns.exception.DNSException:
        return None
    return "".join(b.decode(errors="replace") for record in answers for b in record.strings)


def _probe_hosts(report: Report, target: _Target, timeout: float, progress: Progress) -> None:
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
    target: _Target,
    timeout: float,
    progress: Progress,
) -> None:
    explain = functools.partial(_host_failure, host=host, port=port, target=target)

    def step(name: LayerName) -> contextlib.AbstractContextManager[Layer]:
        layer = Layer(name)
        report.layers.append(layer)
        return _step(layer, report.address, progress, explain)

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


def _name(rdns: Any) -> str:
    return ", ".join(f"{key}={value}" for rdn in rdns for key, value in rdn)


def _network_failure(
    layer: Layer, host: str, port: int, exc: OSError, target: _Target, prefix: str = ""
) -> None:
    """Mark ``layer`` failed with the typed error this one host's failure points to.

    ``prefix``: pymongo's words before the error, where it has some.
    """
    address = _address(host, port)
    layer.status = Status.FAILED
    layer.failure_text = f"{prefix}{address}: {exc}"
    layer.error = diagnosis.diagnose({address: layer.failure_text}, target.profile, final=True)


def _client(
    host: str, port: int, target: _Target, timeout: float, **credentials: Any
) -> MongoClient[Any]:
    milliseconds = max(1, round(timeout * 1000))  # 0 would mean "no time limit" to pymongo
    database = quote(target.database, safe="") if target.database else ""
    return connect(
        f"mongodb://{_address(host, port)}/{database}",
        min_tls_version=target.floor,
        tlsCAFile=target.ca_file,
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


def _authenticate(layer: Layer, client: MongoClient[Any], target: _Target) -> None:
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


def _summary(report: Report) -> str:
    if report.error is not None:
        return f"{type(report.error).__name__}: {report.error.found}"
    if report.hosts:
        every = f"All {len(report.hosts)} hosts" if len(report.hosts) > 1 else "The host"
        return f"{every} answered: TCP, TLS, hello, login and ping."
    return "This environment is fit for MongoDB Atlas (no connection string given)."


def _hosts_verdict(hosts: list[HostReport], target: _Target) -> AtlasConnectError | None:
    profile = target.profile
    failed = [host for host in hosts if not host.healthy]
    if not failed:
        return None
    last = [host.layers[-1] for host in failed]
    for layer in last:  # a refused login is the cluster's answer, whichever host gave it
        if layer.name is LayerName.AUTHENTICATION and layer.error is not None:
            return layer.error
    other_sets = {
        host.address: layer.details["replica_set"]
        for host, layer in zip(failed, last, strict=True)
        if layer.name is LayerName.HELLO
        and getattr(layer.error, "reason", None) == "replica_set_mismatch"
    }
    if other_sets and target.replica_set is not None:  # one verdict naming every host's set
        return diagnosis.replica_set_mismatch_error(target.replica_set, other_sets, profile)
    texts = {host.address: layer.failure_text for host, layer in zip(failed, last, strict=True)}
    if len(failed) == len(hosts) and all(texts.values()):
        return diagnosis.diagnose(
            {address: str(text) for address, text in texts.items()}, profile, final=True
        )
    return next(layer.error for layer in last if layer.error is not None)


def _primary_verdict(hosts: list[HostReport], target: _Target) -> AtlasConnectError | None:
    """Every host answered as a replica-set member, yet none is primary or knows one.

    Each host is healthy on its own (the doctor talks to each directly), but
    the application's client needs the primary, for writes and default reads,
    and finds it through any member's ``hello``. With ``directConnection=true``
    the application uses its one host as it is: no verdict then.
    """
    hellos = [
        layer.details for host in hosts for layer in host.layers if layer.name is LayerName.HELLO
    ]
    if target.direct or not hellos:
        return None
    if any(hello["role"] in _NOT_SET_MEMBERS or hello["primary"] for hello in hellos):
        return None
    members = {host.address: _hello_role(host) for host in hosts}
    set_name = target.replica_set or next(iter(hellos))["replica_set"]
    return diagnosis.no_primary_error(set_name, members, target.profile)


# Roles of hello answers from servers that are not replica-set members, or are the primary.
_NOT_SET_MEMBERS = frozenset({"primary", "standalone", "mongos"})


def _hello_role(host: HostReport) -> str:
    return str(
        next(layer.details["role"] for layer in host.layers if layer.name is LayerName.HELLO)
    )


_address = address_text.join


# Exceptions that are not yet an AtlasConnectError, explained.


def _environment_failure(exc: Exception) -> AtlasConnectError:
    """An environment check that failed in a way none of them foresees."""
    return AtlasConnectError(
        f"Checking this environment failed: {type(exc).__name__}: {exc}",
        why="the doctor cannot tell whether this Python can reach MongoDB Atlas safely.",
        fix=f"run {phrasing.with_python('{python} -m atlasconnect')} for the environment "
        "report, and reinstall atlasconnect's dependencies: "
        f"{phrasing.pip_install('--force-reinstall pymongo dnspython certifi')}.",
    )


def _uri_failure(uri: str) -> Explain:
    """Explain what the connection-string checks raised as a refused connection string."""

    def explain(exc: Exception) -> AtlasConnectError:
        try:
            parsed = connection_string.parse(uri)
        except Exception:  # unparsable: show no text that might hold a secret
            return connection_string.invalid_option_error(
                ValueError(f"{type(exc).__name__} while reading it"), (), None
            )
        return connection_string.invalid_option_error(exc, parsed.secrets, parsed.redacted)

    return explain


def _dns_failure(exc: Exception, target: _Target) -> AtlasConnectError:
    """The SRV lookup failed: a name that is not a DNS name, or the resolver's answer."""
    import dns.exception
    import dns.name

    profile = target.profile
    host = str(target.parsed.srv_host)
    if isinstance(exc, (dns.exception.SyntaxError, dns.name.IDNAException, UnicodeError)):
        return ConnectionStringError(
            f"The host {host!r} of the mongodb+srv:// connection string is not a valid DNS "
            f"name: {connection_string.redact(str(exc), profile.secrets)}",
            why="a mongodb+srv:// host is looked up in DNS, and DNS names are dot-separated "
            "labels of 1 to 63 characters (letters, digits, hyphens, or valid IDNA); this "
            "one cannot even be asked for.",
            fix="copy the connection string again from Atlas (Database > Connect > Drivers); "
            "Atlas host names look like cluster0.abcde.mongodb.net.",
            redacted_uri=profile.redacted_uri,
        )
    if not isinstance(exc, dns.exception.DNSException):
        return diagnosis.explain_construction_error(exc, profile)
    message = connection_string.redact(str(exc), profile.secrets)
    error = diagnosis.explain_dns_failure(ConfigurationError(message), profile)
    return error or DNSResolutionError(
        f"The DNS lookup of {target.srv_name} failed: {type(exc).__name__}: {message}",
        why="mongodb+srv:// needs the SRV record that lists the cluster's hosts; without an "
        "answer there is no host to connect to.",
        fix=f"check that this machine resolves names{_srv_lookup(target.srv_name)}, try "
        "another resolver (1.1.1.1 or 8.8.8.8), or use the standard connection string "
        "(mongodb://host1,host2,...) that Atlas also shows.",
        host=host,
        reason="resolver_failed",
    )


def _srv_lookup(srv_name: str) -> str:
    """`` (e.g. `nslookup -type=SRV NAME`)``, when the SRV name can stand in a command."""
    name = shell.host(srv_name)
    if name is None:
        return ""
    return f" (e.g. {shell.command('nslookup -type=SRV {name}', name=name)})"


def _host_failure(exc: Exception, host: str, port: int, target: _Target) -> AtlasConnectError:
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

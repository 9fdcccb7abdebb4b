"""The doctor's DNS layer, and the hosts it learns.

For ``mongodb+srv://``: the SRV record ``_<service>._tcp.<host>``, its targets
and the TXT options; for ``mongodb://``: every host's addresses, looked up at
once as the TCP layer will (``getaddrinfo``, within the timeout). Then the
hosts, login, database and replica set as pymongo reads them
(:func:`read_seeds`), for the hosts' layers (:mod:`atlasconnect._doctor_hosts`).
A lookup that fails is explained: a name DNS does not know, an Atlas cluster's
name used as a host, a resolver that gave no answer.
"""

from __future__ import annotations

import functools
import socket
import threading
import time
from typing import Any

from pymongo.errors import ConfigurationError, PyMongoError

from . import _address as address_text
from . import _atlas as atlas
from . import _connection_string as connection_string
from . import _diagnosis as diagnosis
from . import _dns_servers as dns_servers
from . import _pymongo_internals as pymongo_internals
from . import _shell as shell
from ._doctor_hosts import host_failure
from ._doctor_layers import Layer, LayerName, Progress, Report, Target, running
from ._exceptions import AtlasConnectError, ConnectionStringError
from ._network_errors import DNSResolutionError

_address = address_text.join


# What a per-host client needs from the URI to log in as the application would.
_LOGIN_OPTIONS = (
    "authSource",
    "authMechanism",
    "authMechanismProperties",
    "tlsCertificateKeyFile",
    "tlsCertificateKeyFilePassword",
    "tlsCRLFile",
)


def read_seeds(target: Target, timeout: float | None) -> None:
    """Hosts, login, database and replica set as pymongo reads them (SRV: after its DNS lookup)."""
    try:
        result = pymongo_internals.parse_uri(
            target.parsed.uri, connect_timeout=timeout, srv_service_name=target.plan.service_name
        )
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


def check_dns(report: Report, target: Target, timeout: float, progress: Progress) -> None:
    layer = Layer(LayerName.DNS)
    report.layers.append(layer)
    if target.parsed.is_srv:
        _lookup_srv(layer, target, timeout, progress)
    else:
        _resolve_hosts(layer, target, timeout, progress)
    report.error = layer.error


def _lookup_srv(layer: Layer, target: Target, timeout: float, progress: Progress) -> None:
    service = target.plan.service_name
    servers = service.servers if service is not None else None
    # A failed lookup raises DNSException; _dns_failure explains it.
    with running(layer, None, progress, functools.partial(_dns_failure, target=target)):
        layer.details.update(srv_name=target.srv_name, resolver=dns_servers.describe(servers))
        resolver = dns_servers.resolver(servers)
        answers = _query(layer, resolver, target.srv_name, "SRV", timeout)
        layer.details["targets"] = [_address(str(a.target).rstrip("."), a.port) for a in answers]
        layer.details["txt"] = _txt(layer, resolver, str(target.parsed.srv_host), timeout)
        read_seeds(target, timeout)


def _query(layer: Layer, resolver: Any, name: str, kind: str, timeout: float) -> Any:
    """``resolver``'s answer for ``name`` (as a client asks: a timeout tried once more),
    recorded in the layer's ``queries``: what, from which server, how long."""
    import dns.exception

    start = time.monotonic()
    try:
        answer = dns_servers.lookup(resolver.resolve, None, name, kind, lifetime=timeout)
    except dns.exception.DNSException as exc:
        outcome = type(exc).__name__
        raise
    else:
        outcome = f"{len(answer)} records from {_address(answer.nameserver, answer.port)}"
        return answer
    finally:
        took = (time.monotonic() - start) * 1000
        layer.details.setdefault("queries", []).append(f"{kind} {name}: {outcome}, {took:.1f} ms")


def _resolve_hosts(layer: Layer, target: Target, timeout: float, progress: Progress) -> None:
    """Resolve every host a ``mongodb://`` URI lists, as the TCP layer will."""
    # Every lookup's failure is an answer, explained below; anything else is unforeseen.
    unforeseen = functools.partial(diagnosis.explain_construction_error, profile=target.profile)
    with running(layer, None, progress, unforeseen):
        answers, seconds = _resolve_all(target.hosts, timeout)
        layer.details["resolver"] = "the operating system's (getaddrinfo)"
        layer.details["queries"] = [
            f"{_address(*host)}: {_outcome(found)}, {seconds[host] * 1000:.1f} ms"
            if host in seconds
            else f"{_address(*host)}: no answer within {timeout:g} s"
            for host, found in answers.items()
        ]
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


def _outcome(found: Resolved) -> str:
    return f"{len(found)} addresses" if isinstance(found, list) else type(found).__name__


def _resolve_all(
    hosts: list[tuple[str, int]], timeout: float
) -> tuple[dict[tuple[str, int], Resolved], dict[tuple[str, int], float]]:
    """Every host's addresses, looked up at once, each within ``timeout`` seconds, and how
    long each lookup that ended took.

    ``getaddrinfo`` has no timeout of its own: each lookup runs in a daemon
    thread, and one that has not answered in time is left to finish alone.
    """
    answers: dict[tuple[str, int], Resolved] = {}
    seconds: dict[tuple[str, int], float] = {}

    def resolve(host: str, port: int) -> None:
        start = time.monotonic()
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            answers[host, port] = exc
        else:
            answers[host, port] = list(dict.fromkeys(str(info[4][0]) for info in infos))
        seconds[host, port] = time.monotonic() - start

    threads = [threading.Thread(target=resolve, args=host, daemon=True) for host in hosts]
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    no_answer = TimeoutError(f"no answer within {timeout:g} s")
    return {host: answers.get(host, no_answer) for host in hosts}, dict(seconds)


# getaddrinfo's answers for a name DNS does not know, as opposed to a resolver that failed.
_NAME_NOT_FOUND = frozenset(
    getattr(socket, code) for code in ("EAI_NONAME", "EAI_NODATA") if hasattr(socket, code)
)


def _unresolved_host(host: str, port: int, exc: Exception, target: Target) -> AtlasConnectError:
    """The typed error for a ``mongodb://`` host that has no address."""
    if isinstance(exc, UnicodeError):  # the IDNA codec refused the name before any lookup
        return host_failure(exc, host, port, target)
    said = connection_string.redact(str(exc), target.profile.secrets)
    found = f"The host name {host} of the mongodb:// connection string does not resolve: {said}"
    name = shell.host(host)
    if isinstance(exc, socket.gaierror) and exc.errno in _NAME_NOT_FOUND:
        if name is not None and atlas.is_cluster_name(name):
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


def _txt(layer: Layer, resolver: Any, name: str, timeout: float) -> str | None:
    import dns.exception

    try:
        answers = _query(layer, resolver, name, "TXT", timeout)
    except dns.exception.DNSException:
        return None
    return "".join(b.decode(errors="replace") for record in answers for b in record.strings)


def _dns_failure(exc: Exception, target: Target) -> AtlasConnectError:
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

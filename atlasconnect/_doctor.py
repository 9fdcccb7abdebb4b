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

The result is a :class:`~atlasconnect._doctor_layers.Report`;
:mod:`atlasconnect._cli` prints it for people or as JSON (schema:
``doctor-schema.json`` beside this module).

Here: the run, the environment and connection-string layers, and the verdict.
The table of layers and how one runs: :mod:`atlasconnect._doctor_layers`; the
DNS layer: :mod:`atlasconnect._doctor_dns`; each host's layers:
:mod:`atlasconnect._doctor_hosts`.
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from typing import Any

from . import _address as address_text
from . import _connection_string as connection_string
from . import _diagnosis as diagnosis
from . import _environment as environment
from . import _environment_facts as environment_facts
from . import _phrasing as phrasing
from . import _system_ca as system_trust
from . import _tls as tls
from ._client import connect
from ._doctor_dns import check_dns, read_seeds
from ._doctor_hosts import probe_hosts
from ._doctor_layers import (
    Explain,
    HostReport,
    Layer,
    LayerName,
    Progress,
    Report,
    Status,
    Target,
    no_progress,
    running,
)
from ._exceptions import AtlasConnectError
from ._network_errors import CertificateVerificationError
from ._plan import ConnectionPlan, service_name_of

DEFAULT_TIMEOUT = 5.0
"""Seconds each network step may take, unless ``--timeout`` says otherwise."""

MAX_TIMEOUT = 3600.0
"""The longest ``timeout`` allowed: one hour per step is already more than any network needs."""


def run(
    uri: str | None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    min_tls_version: ssl.TLSVersion = tls.DEFAULT_MIN_TLS_VERSION,
    system_ca: bool | None = None,
    dns_servers: Sequence[str] | None = None,
    progress: Progress = no_progress,
) -> Report:
    """Check every layer from this machine to the cluster at ``uri``.

    ``timeout`` must be above 0 and at most :data:`MAX_TIMEOUT` seconds
    (ValueError otherwise: the command line refuses such values before).
    ``system_ca`` and ``dns_servers`` as for :func:`atlasconnect.connect`: None
    reads ``ATLASCONNECT_SYSTEM_CA`` and ``ATLASCONNECT_DNS_SERVERS``.
    """
    if not 0 < timeout <= MAX_TIMEOUT:  # also false for NaN
        raise ValueError(
            f"timeout must be above 0 and at most {MAX_TIMEOUT:g} seconds, not {timeout!r}"
        )
    report = Report(uri=None)
    floor = min_tls_version
    trust = False
    with running(Layer(LayerName.ENVIRONMENT), None, progress, _environment_failure) as layer:
        report.layers.append(layer)
        trust = system_trust.wanted(system_ca)
        layer.facts = environment_facts.gather(floor, system_ca=trust)
        layer.details = environment_facts.details(layer.facts)
        environment.run_checks(floor, layer.facts.ca_file, is_srv=False)
        if trust:
            system_trust.require()
    report.error = layer.error
    target = None
    if uri is not None and report.error is None:
        target = _check_connection_string(report, uri, floor, trust, dns_servers, progress)
    if target is not None:
        check_dns(report, target, timeout, progress)
    if target is not None and report.error is None:
        probe_hosts(report, target, timeout, progress)
        report.error = _hosts_verdict(report.hosts, target) or _primary_verdict(
            report.hosts, target
        )
    report.summary = _summary(report)
    return report


def _check_connection_string(
    report: Report,
    uri: str,
    floor: ssl.TLSVersion,
    system_ca: bool,
    dns_servers: Sequence[str] | None,
    progress: Progress,
) -> Target | None:
    target = None
    with running(Layer(LayerName.CONNECTION_STRING), None, progress, _uri_failure(uri)) as layer:
        report.layers.append(layer)
        parsed = connection_string.parse(uri)
        report.uri = parsed.redacted
        plan = ConnectionPlan.of(parsed, floor, {}, system_ca=system_ca)
        layer.details = _connection_string_details(plan)
        _preflight(uri, floor, system_ca, dns_servers)
        plan = plan._replace(service_name=service_name_of(parsed, {}, dns_servers))
        target = Target(plan)
        if not parsed.is_srv:
            read_seeds(target, None)
        layer.details["hosts"] = [_address(*host) for host in target.hosts] or [parsed.srv_host]
    report.error = layer.error
    return target if layer.status is Status.OK else None


def _preflight(
    uri: str, floor: ssl.TLSVersion, system_ca: bool, dns_servers: Sequence[str] | None
) -> None:
    """Every check :func:`connect` makes before it connects, by building its client.

    ``connect=False``: the client neither connects nor looks up a
    ``mongodb+srv://`` name; the doctor's own layers do that, step by step.
    """
    client = connect(
        uri, min_tls_version=floor, system_ca=system_ca, dns_servers=dns_servers, connect=False
    )
    client.close()


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


def _summary(report: Report) -> str:
    if report.error is not None:
        return f"{type(report.error).__name__}: {report.error.found}"
    if report.hosts:
        every = f"All {len(report.hosts)} hosts" if len(report.hosts) > 1 else "The host"
        return f"{every} answered: TCP, TLS, hello, login and ping."
    return "This environment is fit for MongoDB Atlas (no connection string given)."


def _hosts_verdict(hosts: list[HostReport], target: Target) -> AtlasConnectError | None:
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
        verdict = diagnosis.diagnose(
            {address: str(text) for address, text in texts.items()}, profile, final=True
        )
        return _with_system_store_evidence(verdict, last)
    return next(layer.error for layer in last if layer.error is not None)


def _with_system_store_evidence(
    verdict: AtlasConnectError | None, last: list[Layer]
) -> AtlasConnectError | None:
    """A certificate verdict whose fix is ``system_ca`` when the system store verified every
    host's certificate (the TLS layers' evidence)."""
    if isinstance(verdict, CertificateVerificationError) and all(
        layer.details.get("system_store_verifies") for layer in last
    ):
        return diagnosis.trusted_by_system_store(verdict)
    return verdict


def _primary_verdict(hosts: list[HostReport], target: Target) -> AtlasConnectError | None:
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

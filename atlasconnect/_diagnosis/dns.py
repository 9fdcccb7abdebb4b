"""The DNS family: a ``mongodb+srv://`` name that could not be looked up, and dnspython
missing or unfit."""

from __future__ import annotations

import importlib.metadata
import re

from pymongo.errors import (
    ConfigurationError,
)

from .. import _connection_string as connection_string
from .. import _dns_servers as dns_servers
from .. import _environment as environment
from .. import _phrasing as phrasing
from .. import _shell as shell
from .._exceptions import MissingDependencyError
from .._families import Reason
from .._network_errors import DNSResolutionError
from ._profile import ConnectionProfile


def _dns_reason(exc: BaseException, message: str) -> str | None:
    """Why the lookup failed: by the class of the dnspython exception pymongo raised it from
    (its ``__cause__``), else by the words of the texts dnspython prints for each class.

    Both come from the table of dnspython's exceptions (:mod:`atlasconnect._tables`).
    A pasted text may have lost or gained spaces inside words (a wrapped terminal
    line, a chat client's layout: "Resolver con figuration"), so words are matched
    with spaces ignored; the texts are long enough that this joins no others.
    """
    from .._tables import dnspython

    cause = exc.__cause__
    for cls in type(cause).__mro__ if cause is not None else ():
        row = dnspython.dns_error(cls.__name__)
        if row is not None and cls.__module__.startswith("dns."):
            return row.reason
    squeezed = re.sub(r"\s+", "", message).lower()
    for row in dnspython.DNS_ERRORS:
        for text in row.texts:
            fixed = _FIELD.split(text.text)[0]  # the words before the first {field}
            if len(fixed) >= _SIGNIFICANT and re.sub(r"\s+", "", fixed).lower() in squeezed:
                return row.reason
    return None


# A {field} of dnspython's texts; the words before one are what every such text says.
_FIELD = re.compile(r"\{[^}]*\}")
_SIGNIFICANT = 12


def explain_dns_failure(
    exc: ConfigurationError, profile: ConnectionProfile
) -> DNSResolutionError | None:
    """The SRV lookup of a ``mongodb+srv://`` host failed: which way, and what to do."""
    message = connection_string.redact(str(exc), profile.secrets)
    outside = re.search(r"Invalid SRV host: (\S+)", message)
    if outside is not None:
        return _srv_target_outside(outside.group(1), message, profile)
    reason = _dns_reason(exc, message)
    if reason not in _EXPLAINED:
        return None
    host = profile.srv_host or _srv_name(message)
    srv = f"_mongodb._tcp.{host}"
    found, why = {
        "name_not_found": (
            f"The DNS name {host} does not exist (no {srv}).",
            "the host of a mongodb+srv:// string names the cluster; a typo or a deleted or "
            "re-created cluster looks like this.",
        ),
        "no_srv_record": (
            f"{host} exists in DNS but has no SRV record {srv}.",
            "mongodb+srv:// needs the SRV record that lists the cluster's hosts; this name "
            "is not an Atlas cluster's.",
        ),
        "no_resolver": (
            f"This machine has no DNS resolver configuration, so the SRV record {srv} could "
            "not be looked up.",
            "dnspython reads the nameservers from /etc/resolv.conf; slim containers, Termux "
            "on Android and some sandboxes have none, or one without a nameserver line.",
        ),
        "resolver_failed": (
            f"{_resolver_name(profile)} could not answer the SRV query for {srv}: {message}",
            "some routers, ISPs and VPNs do not answer SRV queries, or answer too slowly.",
        ),
    }[reason]
    return DNSResolutionError(
        found,
        why=why,
        fix=_dns_fix(reason, "python"),
        cli_fix=_dns_fix(reason, "cli"),
        host=host,
        reason=reason,
    )


def _resolver_name(profile: ConnectionProfile) -> str:
    if profile.dns_servers:
        return f"The DNS servers given ({dns_servers.describe(profile.dns_servers)})"
    return "The DNS resolver"


def _dns_fix(reason: str, audience: phrasing.Audience) -> str:
    """What to do: for a name DNS does not know, check it; when no resolver answers, give the
    client DNS servers of its own, first."""
    if reason == "name_not_found":
        return "copy the connection string again from Atlas: Database > Connect > Drivers."
    if reason == "no_srv_record":
        return (
            "check the host against Atlas (Database > Connect > Drivers); Atlas names look "
            "like cluster0.abcde.mongodb.net."
        )
    if audience == "python":
        servers = (
            "give the client DNS servers of its own: connect(uri, dns_servers=['1.1.1.1']) "
            f"(or set {dns_servers.ENVIRONMENT_VARIABLE}=1.1.1.1 in its environment)"
        )
    else:
        servers = (
            f"set {dns_servers.ENVIRONMENT_VARIABLE}=1.1.1.1 for the application "
            f"(`{phrasing.DOCTOR_DNS_COMMAND}` checks it)"
        )
    system = {
        "no_resolver": "create /etc/resolv.conf with a nameserver line (for example: `echo "
        "'nameserver 1.1.1.1' > /etc/resolv.conf`; on Termux: `pkg install resolv-conf`)",
        "resolver_failed": "use another resolver (for example 1.1.1.1 or 8.8.8.8) in the "
        "network settings, or raise connectTimeoutMS (pymongo's DNS time limit)",
    }[reason]
    return (
        f"{servers}; or {system}; or use the standard connection string (mongodb://host1,"
        f"host2,...), which needs no SRV lookup: `{phrasing.RESOLVE_COMMAND}` prints it."
    )


_EXPLAINED = ("name_not_found", "no_srv_record", "no_resolver", "resolver_failed")


def _srv_target_outside(
    target: str, message: str, profile: ConnectionProfile
) -> DNSResolutionError:
    """The SRV record lists a host outside the domain of the name that was looked up."""
    host = profile.srv_host or "the mongodb+srv:// host"
    return DNSResolutionError(
        f"The SRV record of {shell.prose(host)} lists {shell.prose(target.rstrip('.'))}, a host "
        f"outside the cluster name's domain ({shell.prose(message)}).",
        why="pymongo uses only SRV targets in the domain of the name it looked up, so that a "
        "forged DNS answer cannot send it to another server; Atlas's records always are. A "
        "DNS server, VPN or filter that rewrites answers, or an SRV record made by hand for "
        "another domain, is not.",
        fix="copy the connection string again from Atlas (Database > Connect > Drivers); if "
        "this DNS zone is yours, put the SRV targets under the same domain as the name; try "
        "another resolver (1.1.1.1 or 8.8.8.8) if a filter may rewrite answers.",
        host=host,
        reason=Reason.SRV_TARGET_OUTSIDE_DOMAIN,
    )


def _srv_name(message: str) -> str:
    match = re.search(r"_mongodb\._tcp\.([A-Za-z0-9.-]+?)\.?(?:\s|$|,)", message)
    return match.group(1) if match else "(the mongodb+srv:// host)"


def dnspython_problem(message: str) -> MissingDependencyError | None:
    """dnspython missing, or a release whose API this pymongo does not call correctly."""
    # The quotes may come escaped, from a JSON log: \"dnspython\".
    if re.search(r'\\?"?dnspython\\?"? module must be installed', message):
        return environment.dnspython_missing(
            "pymongo needs dnspython to read a mongodb+srv:// connection string, and it is "
            "not installed in this Python."
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

"""The DNS family: a ``mongodb+srv://`` name that could not be looked up, and dnspython
missing or unfit."""

from __future__ import annotations

import importlib.metadata
import re

from pymongo.errors import (
    ConfigurationError,
)

from .. import _connection_string as connection_string
from .. import _phrasing as phrasing
from .._exceptions import MissingDependencyError
from .._network_errors import DNSResolutionError
from ._profile import ConnectionProfile

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


def _srv_name(message: str) -> str:
    match = re.search(r"_mongodb\._tcp\.([A-Za-z0-9.-]+?)\.?(?:\s|$|,)", message)
    return match.group(1) if match else "(the mongodb+srv:// host)"


def dnspython_problem(message: str) -> MissingDependencyError | None:
    """dnspython missing, or a release whose API this pymongo does not call correctly."""
    # The quotes may come escaped, from a JSON log: \"dnspython\".
    if re.search(r'\\?"?dnspython\\?"? module must be installed', message):
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

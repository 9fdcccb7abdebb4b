"""dnspython's exceptions that a ``mongodb+srv://`` lookup can raise, with their texts.

pymongo looks up ``_mongodb._tcp.<host>`` (SRV) and ``<host>`` (TXT) with dnspython
and raises every failure as ``ConfigurationError(str(exc))`` (``pymongo/synchronous/
srv_resolver.py``; a missing TXT record, NXDOMAIN or NoAnswer, is not an error), so
the text users paste is dnspython's ``str()`` of the exception.

Source: the rthalley/dnspython repository, ``dns/resolver.py``, ``dns/exception.py``
and ``dns/name.py`` at tags v1.16.0 (commit 1d0f64c9bc483ae1bd2c583e1fa096250f0cde0b),
v2.0.0, v2.1.0, v2.2.1, v2.6.1 (commit 8640dc5e93efdb8bd8935dca8de490f095f18eea),
v2.8.0 (commit 9350a9146d26607f88c6da8d60f1f8cac76a8755) and the development head
(2.9.0, commit fdbbf4b429472242531d4121ff668c63c81d3a1a): every class's ``msg``,
``fmt`` and docstring (what ``str()`` prints when raised without arguments), and the
arguments each ``raise`` passes. Checked against the installed dnspython (2.8.0 with
pymongo 4.13.0, 2.9.x with pymongo 4.20.1) by ``tests/test_tables.py``, which builds
each exception and compares its ``str()`` with ``texts``.

Texts are ``str.format`` templates: ``{qname}`` is the name looked up with its
trailing dot (``_mongodb._tcp.cluster0.abcde.mongodb.net.``), ``{question}`` the
question (``<qname> IN SRV``), ``{seconds}`` a duration, ``{server}`` a name server
as dnspython 2 prints it (``Do53:192.0.2.1@53``), ``{answer}`` its answer or error,
``{path}`` a file. Each text is paired with the dnspython versions that print it.

``reason`` is that of :class:`atlasconnect.DNSResolutionError`: ``name_not_found``,
``no_srv_record``, ``resolver_failed``, ``no_resolver``, and ``invalid_name`` for a
host that is not a valid DNS name at all.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

__all__ = ["DNS_ERRORS", "DnsError", "DnsText", "dns_error"]

DnsReason = Literal[
    "name_not_found", "no_srv_record", "resolver_failed", "no_resolver", "invalid_name"
]


class DnsText(NamedTuple):
    versions: str
    """The dnspython releases that print it: ``2.2+``, ``2.0-2.1``, ``1.16``..."""
    text: str
    """A ``str.format`` template (see the module's docstring)."""


class DnsError(NamedTuple):
    module: str
    """The module that defines the class: ``dns.resolver``, ``dns.exception``, ``dns.name``."""
    name: str
    """The class name."""
    texts: tuple[DnsText, ...]
    reason: DnsReason
    meaning: str
    fix: str


_COPY = "copy the connection string again from Atlas: Database > Connect > Drivers."
_STANDARD = (
    "or use the standard connection string (mongodb://host1,host2,...) that Atlas shows "
    "for older drivers under Database > Connect > Drivers, which needs no SRV lookup."
)
_RESOLVER = (
    "use another DNS resolver (for example 1.1.1.1 or 8.8.8.8) in the network settings, "
    "or turn off a VPN or DNS filter that blocks SRV queries, " + _STANDARD
)
_CONF = (
    "create /etc/resolv.conf with a nameserver line (`echo 'nameserver 1.1.1.1' > "
    "/etc/resolv.conf`; on Termux: `pkg install resolv-conf`; in a container, start it with "
    "--dns 1.1.1.1), " + _STANDARD
)

DNS_ERRORS: tuple[DnsError, ...] = (
    DnsError(
        "dns.resolver",
        "NXDOMAIN",
        (
            DnsText("1.16+", "The DNS query name does not exist: {qname}"),
            DnsText("1.16+", "None of DNS query names exist: {qname}, {qname2}"),
        ),
        "name_not_found",
        "no DNS name _mongodb._tcp.<host> exists: the cluster's host name has a typo, or "
        "the cluster was deleted or re-created under another name.",
        _COPY,
    ),
    DnsError(
        "dns.resolver",
        "NoAnswer",
        (
            DnsText(
                "1.16+",
                "The DNS response does not contain an answer to the question: {question}",
            ),
        ),
        "no_srv_record",
        "the name exists but has no SRV record: it is not an Atlas cluster's name (a "
        "server's host name, or another domain).",
        "use the cluster's name from Atlas (cluster0.abcde.mongodb.net), not a server's "
        "(cluster0-shard-00-00...), with mongodb+srv://; " + _COPY,
    ),
    DnsError(
        "dns.resolver",
        "NoNameservers",
        (
            DnsText(
                "2.0+",
                "All nameservers failed to answer the query {question}: Server {server} "
                "answered {answer}",
            ),
            DnsText(
                "1.16",
                "All nameservers failed to answer the query {question}: Server {server} "
                "UDP port 53 answered {answer}",
            ),
            DnsText(
                "2.0+ (Windows, no DNS server)",
                "All nameservers failed to answer the query {question}: ",
            ),
        ),
        "resolver_failed",
        "every DNS server this machine uses refused or failed the SRV query (SERVFAIL, "
        "REFUSED), or none is configured (Windows).",
        _RESOLVER,
    ),
    DnsError(
        "dns.resolver",
        "LifetimeTimeout",
        (
            DnsText(
                "2.2+",
                "The resolution lifetime expired after {seconds:.3f} seconds: Server {server} "
                "answered {answer}",
            ),
        ),
        "resolver_failed",
        "no DNS server answered the SRV query within the time limit (pymongo's "
        "connectTimeoutMS, 20 seconds by default): a resolver that drops SRV queries, or a "
        "network that blocks DNS.",
        _RESOLVER,
    ),
    DnsError(
        "dns.exception",
        "Timeout",
        (
            DnsText("2.2+", "The DNS operation timed out after {seconds:.3f} seconds"),
            DnsText("1.16-2.1", "The DNS operation timed out after {seconds} seconds"),
            DnsText("1.16+ (no arguments)", "The DNS operation timed out."),
        ),
        "resolver_failed",
        "no DNS server answered the SRV query in time (dnspython 2.2 and newer raise "
        "LifetimeTimeout, a subclass, for a whole lookup).",
        _RESOLVER,
    ),
    DnsError(
        "dns.resolver",
        "YXDOMAIN",
        (DnsText("1.16+", "The DNS query name is too long after DNAME substitution."),),
        "invalid_name",
        "a DNAME record in the domain made the name longer than DNS allows.",
        "check the host against Atlas; the domain's DNS (a DNAME record) needs fixing by "
        "its owner.",
    ),
    DnsError(
        "dns.resolver",
        "NoResolverConfiguration",
        (
            DnsText("2.2+", "cannot open {path}"),
            DnsText("2.2+", "no nameservers"),
            DnsText(
                "2.0-2.1",
                "Resolver configuration could not be read or specified no nameservers.",
            ),
        ),
        "no_resolver",
        "this machine has no DNS configuration dnspython can read: no /etc/resolv.conf, or "
        "one without a nameserver line (slim containers, Termux, sandboxes). dnspython 1.16 "
        "fell back to 127.0.0.1 instead and then failed with NoNameservers or a timeout.",
        _CONF,
    ),
    DnsError(
        "dns.resolver",
        "NoMetaqueries",
        (DnsText("1.16+", "DNS metaqueries are not allowed."),),
        "invalid_name",
        "a query of a meta type (ANY, AXFR) was refused; pymongo asks only SRV and TXT, so "
        "the code that called the resolver passed its own type.",
        "use pymongo's own lookup: connect with the mongodb+srv:// string Atlas shows.",
    ),
    DnsError(
        "dns.resolver",
        "NoRootSOA",
        (DnsText("1.16+", "There is no SOA RR at the DNS root name. This should never happen!"),),
        "resolver_failed",
        "the DNS server gave an impossible answer about the root zone.",
        _RESOLVER,
    ),
    DnsError(
        "dns.name",
        "EmptyLabel",
        (DnsText("1.16+", "A DNS label is empty."),),
        "invalid_name",
        "the host has two dots in a row or starts with a dot (cluster0..mongodb.net): a "
        "placeholder or a variable that was empty when the string was built.",
        _COPY,
    ),
    DnsError(
        "dns.name",
        "LabelTooLong",
        (DnsText("1.16+", "A DNS label is > 63 octets long."),),
        "invalid_name",
        "a part of the host between dots is longer than 63 characters: something else (a "
        "password, a whole URL) ended up where the host belongs.",
        "check that the user name and password are percent-encoded (urllib.parse.quote_plus), "
        "so that the host starts after the last '@'; " + _COPY,
    ),
    DnsError(
        "dns.name",
        "NameTooLong",
        (DnsText("1.16+", "A DNS name is > 255 octets long."),),
        "invalid_name",
        "the host is longer than a DNS name may be: something else ended up in it.",
        _COPY,
    ),
    DnsError(
        "dns.name",
        "BadEscape",
        (DnsText("1.16+", "An escaped code in a text format of DNS name is invalid."),),
        "invalid_name",
        "the host contains a backslash that is not a valid DNS escape.",
        _COPY,
    ),
    DnsError(
        "dns.name",
        "IDNAException",
        (DnsText("1.16+", "IDNA processing exception: {error}"),),
        "invalid_name",
        "the host contains characters that are not valid in an internationalized domain "
        "name (often a stray Unicode character pasted with it).",
        "retype the host by hand or " + _COPY,
    ),
)


def dns_error(name: str) -> DnsError | None:
    """The row of the dnspython exception class ``name`` (``NXDOMAIN``...)."""
    for row in DNS_ERRORS:
        if row.name == name:
            return row
    return None

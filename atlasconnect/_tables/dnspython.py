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

from . import load
from . import row as _row

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


DNS_ERRORS: tuple[DnsError, ...] = tuple(
    _row(DnsError, row, texts=DnsText) for row in load("dnspython")
)
"""Every exception class a lookup or a resolver configuration can raise."""


def dns_error(name: str) -> DnsError | None:
    """The row of the dnspython exception class ``name`` (``NXDOMAIN``...)."""
    for row in DNS_ERRORS:
        if row.name == name:
            return row
    return None

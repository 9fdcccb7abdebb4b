"""Proxy options, which pymongo does not support: refused, never silently ignored.

MongoDB's specification gives drivers a SOCKS5 proxy through ``proxyHost``,
``proxyPort``, ``proxyUsername`` and ``proxyPassword``, and the Node, Java and
Rust drivers, mongosh and Compass have it. pymongo does not (PYTHON-2943): it
warns "Unknown option" and connects **directly**, so whoever set a proxy
believes the traffic goes through it. Carrying pymongo's connections through a
tunnel would mean replacing how pymongo opens every socket, a private
internal on which the TLS and SNI of every connection depend; atlasconnect
refuses these options instead, with an error that says what pymongo would do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._connection_string import ConnectionString
from ._exceptions import ConnectionStringError

PROXY_OPTIONS = ("proxyHost", "proxyPort", "proxyUsername", "proxyPassword")
"""The specification's proxy options, as it spells them."""


def refuse_proxy_options(parsed: ConnectionString, keywords: Mapping[str, Any]) -> None:
    """Raise :class:`ConnectionStringError` when the URI or a keyword sets a proxy option.

    Only the options' names are shown: ``proxyPassword`` is a secret.
    """
    written = _proxy_options(name for name, _ in parsed.written_options)
    given = _proxy_options(keywords)
    if not written and not given:
        return
    places = [
        f"{', '.join(names)} in {place}"
        for names, place in ((written, "the connection string"), (given, "the keywords"))
        if names
    ]
    raise proxy_error("; ".join(places), parsed.redacted)


def proxy_option(name: str) -> str | None:
    """``name`` in the specification's spelling when it is a proxy option, else None."""
    found = _proxy_options([name])
    return found[0] if found else None


def proxy_error(options: str, redacted_uri: str | None) -> ConnectionStringError:
    """The error for proxy ``options`` (their names, and where they were set)."""
    return ConnectionStringError(
        f"A SOCKS5 proxy is set ({options}), but pymongo does not support proxies.",
        why="pymongo ignores these options with only a warning and connects to the servers "
        "directly, not through the proxy: traffic you meant to go through it would not. "
        "atlasconnect refuses them rather than connect around your proxy.",
        fix="remove the proxy options and reach the cluster from a network that allows "
        "outbound TCP to port 27017 (with this machine's public IP address on the Atlas IP "
        "access list), or through a VPN or an Atlas private endpoint; mongosh and Compass "
        "support SOCKS5 proxies if you need one to explore the data.",
        redacted_uri=redacted_uri,
    )


def _proxy_options(names: Iterable[str]) -> list[str]:
    """The proxy options among ``names``, in the specification's spelling, in order, once each."""
    by_key = {option.lower(): option for option in PROXY_OPTIONS}
    found = [by_key[name.lower()] for name in names if name.lower() in by_key]
    return list(dict.fromkeys(found))

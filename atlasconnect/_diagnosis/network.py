"""The network access and reachability families: Atlas refusing this machine's IP address,
and servers that cannot be reached (refused, timed out, unknown, closed, silent)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from .. import _address as address_text
from .. import _atlas as atlas
from .. import _phrasing as phrasing
from .. import _shell as shell
from .._exceptions import uncertain
from .._families import Family
from .._network_errors import NetworkAccessError, ServerUnreachableError
from ._profile import UNKNOWN_CLIENT, ConnectionProfile, uri_sentence
from .certificate import closed_after_handshake_explanation
from .servers import (
    LOOKUP_TEST,
    TCP_TEST,
    TLS_TEST,
    Kind,
    all_plain,
    closed_after_handshake,
    first_address,
    hosts_named,
    is_atlas,
    is_redacted,
    kind_of,
    server_test,
    servers_named,
)


def network_access_error(errors: dict[str, str], *, certain: bool) -> NetworkAccessError:
    """Atlas refusing this machine's IP address; ``certain`` when the hosts are Atlas's."""
    hosts = f"Every host of the Atlas cluster ({servers_named(errors)})"
    if not certain:
        hosts = f"Every host ({servers_named(errors)}; the names were hidden)"
    elif len(errors) == 1:
        hosts = f"The Atlas host {servers_named(errors)}"
    found = (
        f"{hosts} ended the TLS handshake at once (TLS alert 80 'internal error', or a "
        "closed connection)."
    )
    why = (
        "this is how Atlas answers a machine whose public IP address is not on the "
        "project's IP access list."
    )
    if not certain:
        found += (
            " This is most likely, not certainly, Atlas refusing this machine's IP address; "
            "the other candidates are a TLS-inspecting proxy and a server that is not Atlas."
        )
        why = (
            "Atlas answers a machine whose public IP address is not on the project's IP "
            "access list with alert 80; other servers rarely send it, but the host names "
            "that would prove these are Atlas's are not in the text."
        )
    return NetworkAccessError(
        found,
        why=why,
        fix="in Atlas, open Security > Network Access > IP Access List and add this machine's "
        "public IP address ('Add Current IP Address' when you use the browser on this "
        "machine). To find it from here: `curl https://checkip.amazonaws.com`. Servers behind "
        "NAT use their gateway's address; changing addresses (home, VPN, CI) need a range. "
        "A new entry takes about a minute to apply.",
        server_errors=errors,
    )


UNREACHABLE_WHY = (
    "a firewall that blocks outbound TCP ports 27015-27017, a paused cluster (free "
    "clusters pause after 60 days without connections), or host names that do not "
    "match the cluster make every server unreachable."
)


def unreachable_fix(errors: Mapping[str, str]) -> str:
    return (
        "allow outbound TCP 27015-27017 to the hosts above (test one with: "
        f"{server_test(TCP_TEST, errors)}), resume the cluster in Atlas if it is paused, "
        "and compare the host names with the connection string Atlas shows under Database > "
        "Connect."
    )


def _srv_names(errors: Mapping[str, str]) -> list[str]:
    """The hosts that are Atlas cluster names (cluster0.abcde.mongodb.net), not servers."""
    hosts = [address_text.host_of(address) for address in errors]
    names = [host for host in hosts if atlas.is_cluster_name(host)]
    return names if len(names) == len(hosts) else []


def _unreachable_reason(errors: Mapping[str, str]) -> str:
    kinds = {kind_of(text) for text in errors.values()}
    if not kinds:
        return "no_answer"
    if len(kinds) > 1:
        return "mixed"
    kind = kinds.pop()
    if kind is Kind.UNKNOWN_HOST:
        return "srv_name_as_host" if _srv_names(errors) else "name_not_resolved"
    if kind is Kind.OTHER:
        return "unrecognised"
    # pymongo's words when a server closes a socket it never spoke TLS on: Atlas does.
    plain_to_atlas = is_atlas(errors) or is_redacted(errors) or _said_closed_alone(errors)
    if kind is Kind.CLOSED and all_plain(errors) and plain_to_atlas:
        return "tls_off"
    return {
        Kind.REFUSED: "refused",
        Kind.TIMED_OUT: "timed_out",
        Kind.NO_ROUTE: "no_route",
        Kind.HANDSHAKE_TIMED_OUT: "not_tls",
        Kind.CLOSED: "closed",
        Kind.NO_ANSWER: "no_answer",
    }.get(kind, "mixed")


_HIDDEN_HOSTS_CANDIDATE = (
    "; the host names are not in the text, so a server that is not Atlas closing "
    "connections, such as a proxy or a server at its connection limit, is a third"
)


def _unreachable_explanation(reason: str, errors: Mapping[str, str]) -> tuple[str, str, str]:
    """(what it means, why, fix) for each reason a server list can be unreachable."""
    host, port = first_address(errors)
    srv_name = (_srv_names(errors) or [host])[0]
    hidden = "" if is_atlas(errors) else _HIDDEN_HOSTS_CANDIDATE
    return {
        "name_not_resolved": (
            "DNS does not know these host names",
            "every host of a mongodb:// string must resolve to an address; a typo, a deleted "
            "cluster, or a name only a VPN's or private network's DNS knows fails this way.",
            "compare the host names with the connection string Atlas shows under Database > "
            f"Connect > Drivers; test one with: {server_test(LOOKUP_TEST, errors)}",
        ),
        "srv_name_as_host": (
            f"{srv_name} is the name of an Atlas cluster, not of a server: use mongodb+srv://",
            "a cluster's name is a DNS SRV record that lists its servers, and only "
            "mongodb+srv:// looks it up; as a host of mongodb:// it has no address of its own.",
            f"write the connection string as mongodb+srv://USER:PASSWORD@{srv_name}/ (no "
            "port), as Atlas shows it under Database > Connect > Drivers.",
        ),
        "refused": (
            "the machine answered, but nothing accepts connections on this port",
            "no program listens there: a wrong port, a server that is not running, or a "
            "firewall that rejects connections rather than dropping them.",
            f"check the port against the connection string Atlas shows (Atlas servers listen "
            f"on 27017); test with: {server_test(TCP_TEST, errors)}",
        ),
        "timed_out": (
            "no answer to the TCP connection",
            UNREACHABLE_WHY,
            unreachable_fix(errors),
        ),
        "no_route": (
            "this machine has no route to the server's network",
            "the network this machine is on does not reach that address: no connection, a "
            "VPN that is off (or one that routes everything but this), a private address "
            "that only another network reaches, or an IPv6 address without IPv6.",
            "check this machine's network connection and VPN, and that the host is the one "
            "Atlas shows under Database > Connect > Drivers; test with: "
            f"{server_test(TCP_TEST, errors)}",
        ),
        "not_tls": (
            "TCP connected, but the TLS handshake never completed",
            "most likely the port is not a TLS endpoint (a plain server, another service) or "
            "a middlebox (a proxy, a firewall that inspects traffic) holds the connection; a "
            "very slow network, or Atlas's IP access list, can look the same.",
            f"check that {address_text.join(host, port)} is a MongoDB server that speaks TLS: "
            f"{server_test(TLS_TEST, errors)} must return; compare the host and port with "
            "the connection string Atlas shows, ask whether a proxy inspects port 27017, and on "
            "a slow link raise connectTimeoutMS.",
        ),
        "tls_off": (
            "most likely this client did not enable TLS: Atlas closed plain connections (the "
            f"other candidate is the IP access list, if TLS was on{hidden})",
            "Atlas accepts only TLS connections and closes any other; a mongodb:// string "
            "enables TLS only with tls=true (mongodb+srv:// enables it by default).",
            "add tls=true to the connection string, or connect with atlasconnect.connect(), "
            "which always enables TLS. If TLS was on, add this machine's public IP address "
            "under Security > Network Access in Atlas.",
        ),
        "closed": (
            "the server closed the connection",
            "a server or a middlebox ended the connection: another service on the port, a "
            "proxy, a firewall that resets connections, a server that is restarting, or, "
            "during the TLS handshake, a server that accepts none of the TLS versions or "
            "ciphers this client offers (MongoDB 4.0 and older with Python 3.10 and newer).",
            f"compare the host and port with the connection string Atlas shows; test TLS "
            f"with: {server_test(TLS_TEST, errors)}",
        ),
        "unrecognised": (
            "",
            "atlasconnect does not know this error, so it cannot tell which layer failed "
            "(DNS, TCP, TLS, the server); the words above are the driver's or the TLS "
            "library's own.",
            f"find the layer with `{phrasing.DOCTOR_COMMAND}`, which checks each one from "
            "this machine, and search for the words above.",
        ),
    }.get(reason, ("", UNREACHABLE_WHY, unreachable_fix(errors)))


def unreachable(errors: dict[str, str], profile: ConnectionProfile) -> ServerUnreachableError:
    kinds = {kind_of(text).value for text in errors.values()}
    reason = _unreachable_reason(errors)
    meaning, why, fix = _unreachable_explanation(reason, errors)
    cli_fix = fix
    if reason == "closed" and profile is not UNKNOWN_CLIENT and closed_after_handshake(errors):
        # A client atlasconnect made always speaks TLS: these servers took the handshake.
        meaning, why, fix, cli_fix = closed_after_handshake_explanation(errors, profile)
    said = ", ".join(sorted(kinds)) or "no answer"
    others = _other_causes(reason, errors) if profile is UNKNOWN_CLIENT else None
    if reason == "unrecognised":
        said = "; ".join(_words(text) for text in errors.values())
        others = _OtherCauses("", ())
    error = ServerUnreachableError(
        f"No server could be used: {servers_named(errors)} ({said})"
        f"{': ' + meaning if meaning else ''}."
        + (f" {others.said}" if others and others.said else "")
        + uri_sentence(profile),
        why=why,
        fix=fix,
        cli_fix=cli_fix,
        server_errors=errors,
        reason=reason,
    )
    return uncertain(error, *others.families) if others else error


def _words(text: str) -> str:
    """A server's error as pymongo wrote it, without its address and pymongo's timeouts."""
    words = text.split(": ", 1)[-1]
    return shell.prose(words.split(" (configured timeouts:", 1)[0].strip())


class _OtherCauses(NamedTuple):
    said: str
    families: tuple[Family, ...]


def _other_causes(reason: str, errors: Mapping[str, str]) -> _OtherCauses | None:
    """What else a text alone may mean, for the reasons a known client would tell apart."""
    hosts = [address_text.host_of(address).lower() for address in errors]
    if reason == "refused" and errors and all(a in _DEFAULT_ADDRESSES for a in errors):
        return _OtherCauses(
            "It may also be that the program did not use the connection string you set: "
            "localhost:27017 is pymongo's default, where a framework connects when its "
            "setting is not read.",
            (Family.CONFIGURATION,),
        )
    if reason == "timed_out" and not is_atlas(errors):
        return _OtherCauses(
            "Most likely a firewall drops the connections: this network's, or the "
            "server's (an IP access list or security group of its cloud), or the server is "
            "down.",
            (Family.NETWORK_ACCESS,),
        )
    if reason == "name_not_resolved" and hosts and all("." not in h for h in hosts):
        return _OtherCauses(
            "A name without dots is a container's or a compose service's (it resolves only "
            "inside that network), a member name a replica set advertises, or a user or "
            "database name taken for a host (a '/' or '@' missing in the connection "
            "string).",
            (Family.DISCOVERY, Family.CONFIGURATION),
        )
    if reason == "tls_off" and not hosts_named(errors):
        return _OtherCauses(
            "The text names no server, so this is a guess: pymongo 3 left the names out.",
            (Family.NETWORK_ACCESS, Family.UNREACHABLE),
        )
    if reason == "closed" and not hosts_named(errors):
        return _OtherCauses(
            "The text names no server: a client without TLS (Atlas closes plain "
            "connections) and an IP access list close connections too.",
            (Family.CONFIGURATION, Family.NETWORK_ACCESS),
        )
    return None


def _said_closed_alone(errors: Mapping[str, str]) -> bool:
    """pymongo's "connection closed" with no server named (pymongo 3 named none)."""
    return not hosts_named(errors) and all(
        re.fullmatch(r"\s*connection closed[\s,]*", text, re.IGNORECASE) for text in errors.values()
    )


_DEFAULT_ADDRESSES = frozenset({"localhost:27017", "127.0.0.1:27017", "[::1]:27017"})

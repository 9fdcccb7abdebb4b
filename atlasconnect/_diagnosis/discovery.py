"""The discovery family: the servers answered, but describe a replica set this machine cannot
use as given.

A replica set tells every client its members under the names of its own
configuration (``rs.conf()``): a client that reached one member under another
name (an IP address, a port Docker maps, a tunnel's ``localhost``) then connects
to those names, and a name only the servers' own network knows (a container's,
a private address) fails from outside it. pymongo 4 discovers the members of a
set even from one seed, unless ``directConnection=true``.

The signal is what a server answered: the members its ``hello`` named
(atlasconnect's heartbeat listener keeps them), beside the failures of those
members. From a text alone, pymongo 3 said so in words, and a set of servers
that all bear one-label names (``mongo-1``, a container id) points there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .. import _address as address_text
from .._exceptions import uncertain
from .._families import Family, Reason
from .._network_errors import ServerUnreachableError
from ._profile import UNKNOWN_CLIENT, ConnectionProfile, uri_sentence
from .servers import Kind, kind_of, servers_named

# pymongo 3's words when no member it was told of can be reached.
_PYMONGO_3_WORDS = r"Replica set is configured with internal hostnames or IPs"

_WHY = (
    "a replica set tells clients its members by the names in its configuration (rs.conf()); "
    "a client that reached it under another name (an IP address, a port Docker maps, a "
    "tunnel's localhost) then connects to those names, and a name only the servers' own "
    "network knows (a container's name, a private address) fails from anywhere else."
)
_FIX = (
    "to use the one server you named, connect to it alone: add directConnection=true (that "
    "member only: no failover); to use the whole set from here, make its members' names "
    "resolve to addresses this machine reaches (DNS, or the hosts file), or reconfigure the "
    "set with names clients can reach (rs.reconfig()). Atlas clusters never need this: use "
    "the mongodb+srv:// string Atlas shows."
)


def advertised_names_problem(
    members: Mapping[str, tuple[str, ...]],
    failures: Mapping[str, str],
    profile: ConnectionProfile,
) -> ServerUnreachableError | None:
    """A server answered and named its set's members, and every one of them fails from here.

    ``members`` maps each server that answered to the members its ``hello`` named;
    ``failures`` are the latest failures, by address. A server that is one of the
    members it names was reached under its own name: no problem of this kind.
    """
    for answered, named in members.items():
        if named and answered not in named and all(member in failures for member in named):
            failed = {member: failures[member] for member in named}
            return _advertised_error(answered, failed, profile)
    return None


def advertised_names_in_text(
    message: str, errors: Mapping[str, str], profile: ConnectionProfile = UNKNOWN_CLIENT
) -> ServerUnreachableError | None:
    """:func:`advertised_names_problem` from a text: pymongo 3's words, or several servers
    that all bear names of one label and all fail to connect or to resolve."""
    if re.search(_PYMONGO_3_WORDS, message):
        listed = re.findall(r"\(u?'([^']+)', (\d+)\)", message)  # [(u'344da2f17060', 27017)]
        named = {address_text.join(host, int(port)): message for host, port in listed}
        return _advertised_error(None, named or dict(errors), profile)
    hosts = [address_text.host_of(address) for address in errors]
    one_label = len(hosts) > 1 and all(
        "." not in host and ":" not in host and host.lower() != "localhost" for host in hosts
    )
    kinds = {kind_of(text) for text in errors.values()}
    if one_label and kinds <= {Kind.UNKNOWN_HOST, Kind.REFUSED, Kind.TIMED_OUT}:
        error = _advertised_error(None, dict(errors), profile, guessed=True)
        return uncertain(error, Family.UNREACHABLE)
    return None


def _advertised_error(
    answered: str | None,
    failed: dict[str, str],
    profile: ConnectionProfile,
    *,
    guessed: bool = False,
) -> ServerUnreachableError:
    kinds = ", ".join(sorted({kind_of(text).value for text in failed.values()}))
    if answered is not None:
        found = (
            f"{answered} answered as a member of a replica set whose members it named "
            f"{servers_named(failed)}: this machine cannot reach any of them ({kinds})."
        )
    elif guessed:
        found = (
            f"No server could be used: {servers_named(failed)} ({kinds}). Names of one label "
            "are a container network's: most likely a replica set advertised its members "
            "under names that only its own network reaches, and this machine reached it "
            "under another (an IP address, a mapped port)."
        )
    else:
        found = (
            f"No server could be used: the replica set's members, {servers_named(failed)}, "
            f"cannot be reached from here ({kinds}), under the names the set advertises."
        )
    found += uri_sentence(profile)
    return ServerUnreachableError(
        found,
        why=_WHY,
        fix=_FIX,
        server_errors=failed,
        reason=Reason.ADVERTISED_NAME_UNREACHABLE,
    )

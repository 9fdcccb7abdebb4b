"""The replica set families: servers that answered, but none as the primary of the set the
connection string names, or none as a member of it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .. import _address as address_text
from .. import _shell as shell
from .._families import Reason
from .._network_errors import ServerUnreachableError
from ._profile import UNKNOWN_CLIENT, ConnectionProfile, uri_sentence
from .servers import split_message

# What a server says when it is not the primary (pymongo 4 raises NotPrimaryError
# for these; pymongo 2 and 3 raised AutoReconnect or NotMasterError).
_NOT_PRIMARY = r"\bnot (?:master|primary)\b|node is (?:not in primary or )?recovering"


def says_not_primary(message: str) -> bool:
    """Whether a server's answer says it is not the primary ("not master", "not primary")."""
    return re.search(_NOT_PRIMARY, message, re.IGNORECASE) is not None


def not_primary(exc: BaseException) -> ServerUnreachableError:
    """A server answered an operation that it is not the primary ("not master")."""
    errors = split_message(str(exc))
    return ServerUnreachableError(
        f"The server that received the operation is not the primary of its replica set "
        f"({'; '.join(errors.values())}).",
        why="writes, and reads with the default read preference, need the primary. A "
        "member that was primary steps down in a failover or maintenance, a set that is "
        "electing or not yet initiated has none, and a client connected to one member "
        "(directConnection=true, or one host without replicaSet=) cannot follow the "
        "primary to another member.",
        fix="connect with the connection string Atlas shows (Database > Connect > Drivers: "
        "mongodb+srv://, which finds every member and the primary), not one member's "
        "address; keep retryWrites=true (the default) so that a write is retried once "
        "after a failover; check the cluster's status in Atlas. A self-managed set needs "
        "rs.initiate() before it has a primary.",
        server_errors=errors,
        reason="no_primary",
    )


def replica_set_problem(client: Any, profile: ConnectionProfile) -> ServerUnreachableError | None:
    """A replica set with no primary, or servers that are not of the ``replicaSet=`` asked for.

    Both answer the monitors without an error, so no server error tells
    them: pymongo's topology description does (public API).
    """
    mismatch = set_name_mismatch(client, profile)
    if mismatch is not None:
        return mismatch
    ghosts = ghost_problem(client, profile)
    if ghosts is not None:
        return ghosts
    description = client.topology_description
    if description.topology_type_name != "ReplicaSetNoPrimary" or description.has_writable_server():
        return None
    members = {
        address_text.join(host, port): _MEMBER_STATES.get(server.server_type_name, "unknown state")
        for (host, port), server in description.server_descriptions().items()
        if server.error is None and server.server_type_name.startswith("RS")
    }
    if not members:
        return None
    set_name = description.replica_set_name or client.options.replica_set_name
    return no_primary_error(set_name, members, profile)


def set_name_mismatch(client: Any, profile: ConnectionProfile) -> ServerUnreachableError | None:
    """Every server answered as a member of another set than ``replicaSet=``, or of none.

    pymongo drops such a server, so a replica-set topology with no server
    left is one none of the seeds belongs to. It never gets one back (a
    set's topology polls no SRV record): waiting longer cannot help. The set
    each server named is known only to the heartbeat watcher of a client
    atlasconnect planned.
    """
    description = client.topology_description
    wanted = client.options.replica_set_name
    if (
        description.topology_type_name != "ReplicaSetNoPrimary"
        or description.server_descriptions()
        or not wanted
    ):
        return None
    return replica_set_mismatch_error(wanted, _set_names_seen(client), profile)


_GHOST = "RSGhost"


def ghost_problem(client: Any, profile: ConnectionProfile) -> ServerUnreachableError | None:
    """Every server answered as an ``RSGhost``: none can be used, and waiting changes nothing
    until someone initiates the set, so this is known as soon as they have all answered."""
    types = {
        address_text.join(host, port): server.server_type_name
        for (host, port), server in client.topology_description.server_descriptions().items()
    }
    if types and set(types.values()) == {_GHOST}:
        return ghost_error(sorted(types), profile)
    return None


def ghost_error(addresses: list[str], profile: ConnectionProfile) -> ServerUnreachableError:
    """Every server answered as a member of a set not yet initiated, or removed from its set
    (pymongo's server type ``RSGhost``): usable only alone, with ``directConnection=true``."""
    from .._tables import server_types

    row = server_types.SERVER_TYPES[_GHOST]
    found = (
        f"No server could be used: {', '.join(addresses)} answered as a member of a replica "
        "set that is not initiated, or that removed it (pymongo's server type RSGhost)."
    )
    found += uri_sentence(profile)
    return ServerUnreachableError(
        found,
        why=f"{row.meaning[0].upper()}{row.meaning[1:]}",
        fix=row.fix,
        server_errors={address: f"{address}: {_GHOST}" for address in addresses},
        reason=Reason.NEEDS_DIRECT_CONNECTION,
    )


# pymongo's server types of a replica-set member that is not the primary, in words.
_MEMBER_STATES = {
    "RSSecondary": "secondary",
    "RSArbiter": "arbiter",
    "RSOther": "other: recovering, starting up or hidden",
    "RSGhost": "ghost: not yet configured, or removed from the set",
}


def members_seen(client: Any) -> dict[str, tuple[str, ...]]:
    """The members each server named in its ``hello``, if atlasconnect watched the client."""
    for listener in client.options.event_listeners:
        members = getattr(listener, "members", None)
        if isinstance(members, dict):
            return members
    return {}


def _set_names_seen(client: Any) -> dict[str, str | None]:
    """The replica set each server named in its ``hello``, if atlasconnect watched the client."""
    for listener in client.options.event_listeners:
        names = getattr(listener, "set_names", None)
        if isinstance(names, dict):
            return names
    return {}


def no_primary_error(
    set_name: str | None, members: Mapping[str, str], profile: ConnectionProfile
) -> ServerUnreachableError:
    """The members of a replica set answered, none of them as primary or naming one.

    ``members`` maps each member that answered to its state ("secondary");
    empty when only pymongo's message is known, which names no member.
    """
    the_set = f"the replica set {set_name!r}" if set_name else "the replica set"
    if members:
        answered = ", ".join(f"{address} ({state})" for address, state in members.items())
        found = f"{the_set} has no primary: its members answered as {answered}, none as primary."
    else:
        found = f"{the_set} has no primary: its members answered, none as primary."
    found += uri_sentence(profile)
    return ServerUnreachableError(
        f"No server could be used: {found}",
        why="writes, and reads with the default read preference (primary), need the primary. "
        "A replica set has none while it holds an election (for a few seconds after a "
        "failover, a restart or Atlas maintenance), while a paused cluster is resuming, or "
        "when it is broken: too few members are up, or can see each other, to elect one (a "
        "majority must).",
        fix="retry after a few seconds, and give elections time: raise serverSelectionTimeoutMS "
        "(pymongo's default, 30000, rides out most). If it lasts minutes, check the cluster in "
        "Atlas (its status, Resume if it is paused, its alerts and events). Reads that may be "
        "served by a secondary meanwhile can use readPreference=secondaryPreferred.",
        server_errors={
            address: f"{address}: {state}, not primary" for address, state in members.items()
        },
        reason="no_primary",
    )


def replica_set_mismatch_error(
    wanted: str, seen: Mapping[str, str | None], profile: ConnectionProfile
) -> ServerUnreachableError:
    """The servers answered, but none is a member of the set ``replicaSet=`` names.

    ``seen`` maps each server to the set its ``hello`` named (None: a
    standalone server); empty when only pymongo's message is known.
    """
    uri = "" if profile is UNKNOWN_CLIENT else f" of {profile.redacted_uri}"
    found = (
        f"No server could be used: the servers{uri} answered, but none is a member of the "
        f"replica set {wanted!r} that replicaSet= names"
    )
    if seen:
        found += ": " + ", ".join(f"{address} ({_set_of(name)})" for address, name in seen.items())
    names = set(seen.values())
    fix = (
        "copy the replicaSet= value from the connection string Atlas shows (Database > "
        "Connect > Drivers), or use its mongodb+srv:// string, which sets it for you."
    )
    if len(names) == 1 and None not in names:
        fix = (
            f"write replicaSet={shell.prose(str(names.pop()))} (the set these servers belong "
            f"to), or {fix}"
        )
    elif names == {None}:
        fix = (
            "remove replicaSet= if these standalone servers are the ones you meant (an Atlas "
            f"cluster is always a replica set); otherwise check the hosts, and {fix}"
        )
    return ServerUnreachableError(
        f"{found}.",
        why="pymongo uses only members of the replica set the connection string names; "
        "servers of another set, or standalone servers, are dropped.",
        fix=fix,
        server_errors={
            address: f"{address}: {_set_of(name)}, not a member of {wanted!r}"
            for address, name in seen.items()
        },
        reason="replica_set_mismatch",
    )


def _set_of(name: str | None) -> str:
    return f"set {name!r}" if name is not None else "a standalone server, in no replica set"


# pymongo's own words (before ", Timeout: ") when servers answered but none can be used.
_NO_PRIMARY_TEXT = re.compile(r'No primary available for writes|match selector "Primary\(\)"')


_SET_NAME_TEXT = 'No replica set members available for replica set name "'


# A server of a topology description's repr, with its type: <ServerDescription ('h', 27017)
# server_type: RSGhost, ...>.
_DESCRIBED_TYPE = r"<ServerDescription \(u?'([^'\s]+)', (\d+)\) server_type: (\w+)"


def _quoted_set_name(said: str) -> str | None:
    """The set name pymongo quoted at the end of its words, quotes inside it included.

    pymongo does not escape the name; no regular expression is used, so a
    text that repeats the words many times still takes linear time.
    """
    start = said.find(_SET_NAME_TEXT)
    rest = said[start + len(_SET_NAME_TEXT) :].rstrip()
    return rest[:-1] if start >= 0 and rest.endswith('"') else None


def replica_set_problem_in_text(
    message: str, profile: ConnectionProfile = UNKNOWN_CLIENT
) -> ServerUnreachableError | None:
    """:func:`replica_set_problem` from a ServerSelectionTimeoutError's text alone.

    pymongo says "No primary available for writes" (or that no member
    matches the selector ``Primary()``) only once it knows some member, and
    names the ``replicaSet=`` value when it dropped every server. Of its
    topology repr only the server types are read: when every server is an
    ``RSGhost``, which the words alone do not tell.
    """
    described = re.findall(_DESCRIBED_TYPE, message)
    if described and {kind for _, _, kind in described} == {_GHOST}:
        return ghost_error([address_text.join(h, int(p)) for h, p, _ in described], profile)
    said = message.split(", Timeout: ", 1)[0]
    wanted = _quoted_set_name(said)
    if wanted is not None:
        return replica_set_mismatch_error(wanted, {}, profile)
    if _NO_PRIMARY_TEXT.search(said):
        return no_primary_error(None, {}, profile)
    return None

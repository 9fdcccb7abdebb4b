"""What went wrong, from what pymongo raised: the one entry of the diagnosis.

pymongo reports most connection failures as one ``ServerSelectionTimeoutError``
whose per-server causes are strings from the TLS library (stdlib ``ssl`` or
pyOpenSSL) or the socket layer; login, option and DNS failures as their own
classes. This entry reads the exception (its class, then its chain) and hands
it to the family that explains it; :func:`diagnose` decides, from all servers'
errors together, which family's error explains a failed server selection.

One module per family: :mod:`.certificate`, :mod:`.tls_version`,
:mod:`.network` (IP access list and reachability), :mod:`.replica_set`,
:mod:`.authentication`, :mod:`.dns` and :mod:`.configuration`; what every one
of them reads is in :mod:`.servers` (each server's error, sorted into a
:class:`~.servers.Kind`) and :mod:`._profile` (what atlasconnect knows of the
client). Adding a family touches its module, its table and its tests.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

from pymongo import AsyncMongoClient, MongoClient
from pymongo.errors import (
    AutoReconnect,
    ConfigurationError,
    ConnectionFailure,
    InvalidURI,
    NotPrimaryError,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
)

from .. import _connection_string as connection_string
from .. import _mechanisms as mechanisms
from .. import _pymongo_internals as pymongo_internals
from .. import _tls_files as tls_files
from .._exceptions import AtlasConnectError
from .._network_errors import ServerUnreachableError
from ._profile import (
    UNKNOWN_CLIENT,
    ConnectionProfile,
    profile_of,
    pymongo_client,
    redacted,
    uri_of,
    uri_sentence,
)
from .answers import code_in_text, explain_answer
from .certificate import (
    certificate_error,
    client_certificate_error,
    out_of_date,
    trusted_by_system_store,
)
from .compatibility import explain_text as compatibility_problem
from .compatibility import names_a_removed_name
from .configuration import URI_COMPLAINT, tls_options_without_tls, unknown_option, uri_error
from .discovery import advertised_names_in_text, advertised_names_problem
from .dns import dnspython_problem, explain_dns_failure
from .network import UNREACHABLE_WHY, network_access_error, unreachable, unreachable_fix
from .replica_set import (
    ghost_problem,
    members_seen,
    no_primary_error,
    not_primary,
    replica_set_mismatch_error,
    replica_set_problem,
    replica_set_problem_in_text,
    says_not_primary,
    set_name_mismatch,
)
from .servers import (
    CERTIFICATE_KINDS,
    ESTABLISHMENT_KINDS,
    REFUSED_HANDSHAKE_KINDS,
    Kind,
    all_plain,
    closed_after_handshake,
    is_atlas,
    is_redacted,
    kind_of,
    only,
    server_errors_of,
    servers_named,
    split_message,
)
from .tls_version import tls_version_error

_T = TypeVar("_T")

__all__ = [
    "UNKNOWN_CLIENT",
    "URI_COMPLAINT",
    "ConnectionProfile",
    "Kind",
    "advertised_names_problem",
    "call_explained",
    "call_explained_async",
    "code_in_text",
    "diagnose",
    "explain",
    "explain_configuration_error",
    "explain_construction_error",
    "explain_dns_failure",
    "ghost_problem",
    "kind_of",
    "names_a_removed_name",
    "no_answer_in_time",
    "no_primary_error",
    "replica_set_mismatch_error",
    "replica_set_problem",
    "replica_set_problem_in_text",
    "says_not_primary",
    "set_name_mismatch",
    "trusted_by_system_store",
]


def explain(exc: BaseException, client: Any = None) -> AtlasConnectError | None:
    """Turn an error pymongo raised into atlasconnect's typed, explained error.

    Returns None when ``exc`` is not a connection problem atlasconnect knows
    (a duplicate key, say), so that code can write::

        except PyMongoError as exc:
            raise atlasconnect.explain(exc, client) or exc

    Pass the client the error came from when you have it: its per-server
    errors and its CA file make the explanation precise; a motor client is
    read through the pymongo client it wraps. Any other ``client`` (None, a
    closed client, something that is not a client) is ignored.

    An :class:`~pymongo.errors.AutoReconnect` is explained when its text says
    a connection could not be opened and retrying will not change that (a
    certificate, the TLS version, a refused port, an unknown host): that is
    how a ``loadBalanced=true`` client, which has no monitors, reports them.
    A connection closed or timed out in the middle of an operation (a
    failover) gives None: pymongo retries those. A server that answers it
    is not the primary (:class:`~pymongo.errors.NotPrimaryError`, "not
    master") is explained: the error reached you, so the retry did not help.

    A framework's own exception (Django's ``DatabaseError``, MongoEngine's
    ``ConnectionFailure``, a ``ValueError`` raised while handling the error) is
    explained by the first error of its ``__cause__`` / ``__context__`` chain
    that is a connection problem.

    It never raises, and its time grows linearly with the length of the
    error's text, so it is safe to call from any error handler.

    .. versionadded:: 0.1.0
    """
    for link in _chain(exc):
        error = _explained_safely(link, client)
        if error is not None:
            return error
    return None


def _explained_safely(exc: BaseException, client: Any) -> AtlasConnectError | None:
    """:func:`_explain`, or None for an object that cannot be read: one whose ``str()`` or
    attributes raise, or return what is not text (a framework's proxy, a broken class)."""
    try:
        return _explain(exc, client, connecting=False)
    except Exception:
        return None


_MAX_CHAIN = 16


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions behind it, at most ``_MAX_CHAIN``.

    Behind an exception: the one it was raised from, else the one it was raised
    while handling, as in a printed traceback; behind an exception group (asyncio's
    ``TaskGroup``, ``except*``), each exception it holds, first to last. An
    exception met twice ends that walk (chains can be cycles). Attributes that are
    not exceptions (a proxy object, a broken ``__getattr__``) are not followed.
    """
    chain: list[BaseException] = []
    waiting: list[BaseException] = [exc]
    while waiting and len(chain) < _MAX_CHAIN:
        link = waiting.pop(0)
        if any(link is seen for seen in chain):
            continue
        chain.append(link)
        waiting[:0] = [*_grouped(link), *_behind(link)]
    return chain


def _grouped(exc: BaseException) -> list[BaseException]:
    """The exceptions an exception group holds: Python 3.11's, or the backport's on 3.10,
    both of which name their base class ``BaseExceptionGroup``."""
    if not any(cls.__name__ == "BaseExceptionGroup" for cls in type(exc).__mro__):
        return []
    held = _attribute(exc, "exceptions")
    return [e for e in held if isinstance(e, BaseException)] if isinstance(held, tuple) else []


def _behind(exc: BaseException) -> list[BaseException]:
    behind = _attribute(exc, "__cause__") or _attribute(exc, "__context__")
    return [behind] if isinstance(behind, BaseException) else []


def _attribute(exc: BaseException, name: str) -> object:
    """``exc.name``, or None when reading it raises (a proxy, a broken ``__getattribute__``)."""
    try:
        return getattr(exc, name, None)
    except Exception:
        return None


def _explain(exc: BaseException, client: Any, *, connecting: bool) -> AtlasConnectError | None:
    """:func:`explain`; with ``connecting``, every connection failure is one to explain."""
    if isinstance(exc, AtlasConnectError):
        return exc
    client = pymongo_client(client)
    profile = profile_of(client)
    if isinstance(exc, OperationFailure):
        return explain_answer(exc, pymongo_internals.login_of(client))
    if isinstance(exc, (ConfigurationError, TypeError, ValueError, AttributeError, ImportError)):
        return explain_configuration_error(exc, profile)
    if isinstance(exc, ServerSelectionTimeoutError):
        return _explain_selection(exc, client, profile)
    if isinstance(exc, NotPrimaryError) or (
        isinstance(exc, AutoReconnect) and says_not_primary(str(exc))
    ):
        return not_primary(exc)
    if isinstance(exc, AutoReconnect):
        # The failure of this one connection: the topology may well look healthy.
        errors = split_message(str(exc))
        if connecting or {kind_of(text) for text in errors.values()} <= ESTABLISHMENT_KINDS:
            return diagnose(errors, profile, final=True)
        return None
    if isinstance(exc, ConnectionFailure):  # pymongo 2's "could not connect to host:port: ..."
        return diagnose(split_message(str(exc)), profile, final=True)
    return None


def _explain_selection(
    exc: ServerSelectionTimeoutError, client: Any, profile: ConnectionProfile
) -> AtlasConnectError | None:
    """No server could be selected: the topology's own account first (which servers answered,
    and as what), then each server's error; from a text, the same in its words."""
    errors = server_errors_of(client)
    if isinstance(client, (MongoClient, AsyncMongoClient)):
        problem = advertised_names_problem(members_seen(client), errors, profile) or (
            None if errors else replica_set_problem(client, profile)
        )
        if problem is not None:
            return problem
    if not errors:
        errors = split_message(str(exc))
        problem = advertised_names_in_text(str(exc), errors, profile) or (
            replica_set_problem_in_text(str(exc), profile)
        )
        if problem is not None:
            return problem
    return diagnose(errors, profile, final=True)


def call_explained(client: Any, operation: Callable[[], _T], *, connecting: bool = False) -> _T:
    """Return ``operation()``; raise its pymongo error as the typed one where there is one.

    With ``connecting=True`` the operation is the one that proves the client
    can connect (``connect(verify=True)``'s ping): any connection failure it
    meets is explained, not only the ones :func:`explain` is sure of.

    The typed error is raised outside the ``except`` block, so pymongo's
    exception, which may echo a secret, is not chained to it (``__context__``).
    """
    try:
        return operation()
    except PyMongoError as exc:
        error = _explain(exc, client, connecting=connecting)
        if error is None or isinstance(exc, AtlasConnectError):  # nothing to add
            raise
    raise error


async def call_explained_async(
    client: Any, operation: Callable[[], Awaitable[_T]], *, connecting: bool = False
) -> _T:
    """:func:`call_explained` for a coroutine."""
    try:
        return await operation()
    except PyMongoError as exc:
        error = _explain(exc, client, connecting=connecting)
        if error is None or isinstance(exc, AtlasConnectError):  # nothing to add
            raise
    raise error


def diagnose(
    server_errors: Mapping[str, str], profile: ConnectionProfile, *, final: bool
) -> AtlasConnectError | None:
    """The error that explains why none of these servers can be used.

    ``server_errors`` holds one entry per server, all failed. With
    ``final=False`` only a definitive diagnosis is returned (waiting will not
    change it); with ``final=True`` the best explanation there is. The texts
    come from the socket and TLS layers, which never saw a secret: they are
    kept as they are, so a password that happens to read "refused" changes
    nothing (see :mod:`atlasconnect._connection_string`).
    """
    if not server_errors:
        return unreachable({}, profile) if final else None
    errors = dict(server_errors)
    kinds = {address: kind_of(text) for address, text in errors.items()}
    for kind in Kind:
        if kind in CERTIFICATE_KINDS and kind in kinds.values():
            return certificate_error(kind, only(errors, kinds, kind), profile)
    if profile.client_certificate is not None and closed_after_handshake(errors):
        # TLS 1.3: a server refusing the client's certificate often closes before its alert
        # is read. Only a client atlasconnect made, which always speaks TLS, is known to.
        expired = out_of_date(profile.client_certificate)
        reason = "client_certificate_expired" if expired else "client_certificate_refused"
        return client_certificate_error(reason, errors, profile, lost=True, out_of_date=expired)
    for kind, alert in REFUSED_HANDSHAKE_KINDS.items():
        if kind in kinds.values():
            return tls_version_error(only(errors, kinds, kind), profile, alert)
    if is_atlas(errors) and set(kinds.values()) <= {Kind.ALERT_INTERNAL_ERROR, Kind.CLOSED}:
        if profile is UNKNOWN_CLIENT and all_plain(errors):
            return unreachable(errors, profile)
        return network_access_error(errors, certain=True)
    if is_redacted(errors) and set(kinds.values()) == {Kind.ALERT_INTERNAL_ERROR}:
        return network_access_error(errors, certain=False)
    if final or set(kinds.values()) == {Kind.UNKNOWN_HOST}:
        return unreachable(errors, profile)
    return None


def explain_configuration_error(
    exc: BaseException, profile: ConnectionProfile
) -> AtlasConnectError | None:
    """What a ConfigurationError, an InvalidURI, or a TypeError or ValueError from pymongo says.

    Every :class:`~pymongo.errors.InvalidURI` is a connection string problem,
    and so is a ConfigurationError in the words of pymongo's URI parser (it
    raises "Empty host" as one); other errors are explained only when their
    text is one this module knows.
    """
    if isinstance(exc, ConfigurationError):
        error = explain_dns_failure(exc, profile)
        if error is not None:
            return error
    is_uri_complaint = isinstance(exc, InvalidURI) or (
        isinstance(exc, ConfigurationError) and re.search(URI_COMPLAINT, str(exc), re.IGNORECASE)
    )
    return (
        dnspython_problem(str(exc))
        or mechanisms.explain_text(redacted(exc, profile), uri_of(profile))
        or tls_files.key_file_text_error(redacted(exc, profile), uri_of(profile))
        or tls_options_without_tls(str(exc), profile)
        or compatibility_problem(str(exc))
        or unknown_option(str(exc), profile)
        or (uri_error(str(exc), profile) if is_uri_complaint else None)
    )


def explain_construction_error(exc: BaseException, profile: ConnectionProfile) -> AtlasConnectError:
    """What pymongo raised while reading a URI or building a client: DNS, CA file, or option.

    A ``mongodb+srv://`` URI is looked up while pymongo reads it, so a DNS
    failure can surface here; so can a CA file emptied or deleted since its
    (remembered) check. Anything else is the URI's or an option's fault.
    """
    error = explain_dns_failure(exc, profile) if isinstance(exc, ConfigurationError) else None
    return (
        error
        or mechanisms.explain_text(redacted(exc, profile), profile.redacted_uri)
        or tls_files.key_file_text_error(redacted(exc, profile), profile.redacted_uri)
        or tls_files.ca_file_problem(profile.ca_file)
        or connection_string.invalid_option_error(exc, profile.secrets, profile.redacted_uri)
    )


def no_answer_in_time(
    failures: Mapping[str, str],
    silent: Iterable[str],
    profile: ConnectionProfile,
    timeout_seconds: float,
) -> AtlasConnectError:
    """The error when serverSelectionTimeoutMS ran out before every server had answered.

    ``failures`` are the servers that failed, ``silent`` those that had not
    answered at all (not even with an error). A failure that needs no more
    waiting (a certificate, the TLS version) still wins; otherwise the
    silent servers are named, with the timeout that was too short for them.
    """
    definitive = diagnose(failures, profile, final=False) if failures else None
    if definitive is not None:
        return definitive
    timeout = f"serverSelectionTimeoutMS ({timeout_seconds * 1000:g} ms)"
    silent_errors = {address: f"{address}: {Kind.NO_ANSWER.value}" for address in silent}
    kinds = sorted({kind_of(text).value for text in failures.values()})
    failed = f"{servers_named(failures)} ({', '.join(kinds)}); " if failures else ""
    unanswered = f"{', '.join(silent_errors)} did not answer" if silent_errors else "no answer"
    return ServerUnreachableError(
        f"No server could be used: {failed}{unanswered} within {timeout}." + uri_sentence(profile),
        why="opening a connection (TCP, the TLS handshake, hello) takes from milliseconds to "
        "seconds, more to a distant region; a server that has not answered when "
        "serverSelectionTimeoutMS ends was given too little time, or cannot be reached: "
        + UNREACHABLE_WHY,
        fix="raise serverSelectionTimeoutMS (pymongo's default, 30000, suits most networks; "
        f"it is {timeout_seconds * 1000:g} here). If the servers still do not answer, "
        + unreachable_fix({**failures, **silent_errors}),
        server_errors={**failures, **silent_errors},
        reason="no_answer",
    )

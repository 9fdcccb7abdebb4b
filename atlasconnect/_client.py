"""``connect()`` and ``connect_async()``: pymongo clients that hold atlasconnect's TLS policy."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pymongo import AsyncMongoClient, MongoClient
from pymongo.errors import PyMongoError

from . import _connection_string as connection_string
from . import _diagnosis as diagnosis
from . import _environment as environment
from . import _pymongo_internals
from . import _tls as tls
from . import _verification as verification
from ._exceptions import AtlasConnectError, ConnectionStringError
from ._pymongo_internals import FlooredCAFile

_Client = TypeVar("_Client", MongoClient[Any], AsyncMongoClient[Any])


@dataclass(frozen=True)
class _ClientArguments:
    """What to hand to the pymongo client, and what to explain its failures with."""

    uri: str = field(repr=False)
    keywords: dict[str, Any] = field(repr=False)
    profile: diagnosis.ConnectionProfile
    watcher: verification.HeartbeatWatcher


def connect(
    uri: str | None = None,
    *,
    min_tls_version: ssl.TLSVersion = tls.DEFAULT_MIN_TLS_VERSION,
    verify: bool = False,
    **kwargs: Any,
) -> MongoClient[Any]:
    """Return a :class:`pymongo.MongoClient` for ``uri`` that always uses TLS.

    ``uri`` defaults to the ``MONGODB_URI`` environment variable. Every other
    keyword goes to ``MongoClient`` unchanged, except that TLS is switched on,
    certificates are verified against certifi's CA bundle unless ``tlsCAFile``
    names another, and no connection of this client uses a TLS version below
    ``min_tls_version`` (TLS 1.1 to 1.3; the platform's own minimum, TLS 1.2 on
    current Pythons, is never lowered).

    The environment is checked first (once per process for each combination
    of floor, CA file and URI scheme). Options that switch TLS or certificate
    verification off are refused with :class:`InsecureConfigurationError`.

    With ``verify=True`` the client connects now (whatever ``connect`` says),
    authenticates and runs ``ping`` before it is returned; a failure closes it
    and raises the typed error, within seconds for failures that waiting will
    not cure, and within ``serverSelectionTimeoutMS`` otherwise. Without
    ``verify``, the client connects as pymongo does, and the cause of a
    failure on every server is logged once as a WARNING on the ``atlasconnect``
    logger.

    .. versionadded:: 0.1.0
    """
    uri, kwargs = connection_string.conceal(uri, kwargs)
    arguments = _prepare(uri, min_tls_version, kwargs, verify=verify, connect_now=verify)
    if not verify:
        return _construct(MongoClient, arguments)
    # No local holds the client while it is verified: see _verified().
    return _verified(_construct(MongoClient, arguments), arguments.watcher)


async def connect_async(
    uri: str | None = None,
    *,
    min_tls_version: ssl.TLSVersion = tls.DEFAULT_MIN_TLS_VERSION,
    verify: bool = False,
    **kwargs: Any,
) -> AsyncMongoClient[Any]:
    """Return a :class:`pymongo.AsyncMongoClient`; arguments and guarantees as for :func:`connect`.

    .. versionadded:: 0.1.0
    """
    uri, kwargs = connection_string.conceal(uri, kwargs)
    # The async client connects in verify_async(), with aconnect().
    arguments = _prepare(uri, min_tls_version, kwargs, verify=verify, connect_now=False)
    if not verify:
        return _construct(AsyncMongoClient, arguments)
    return await _verified_async(_construct(AsyncMongoClient, arguments), arguments.watcher)


# A failed verification is raised without the frames below, and without a local
# that holds the client: the repr of a client of older pymongo releases (4.13) shows
# authMechanismProperties (an AWS session token) as given, and a traceback
# printed with local variables would show it.
_VERIFICATION_ERRORS = (AtlasConnectError, PyMongoError)


def _verified(client: MongoClient[Any], watcher: verification.HeartbeatWatcher) -> MongoClient[Any]:
    try:
        verification.verify(client, watcher)
    except BaseException as error:
        client.close()
        del client
        if isinstance(error, _VERIFICATION_ERRORS):
            raise error.with_traceback(None) from None
        raise
    return client


async def _verified_async(
    client: AsyncMongoClient[Any], watcher: verification.HeartbeatWatcher
) -> AsyncMongoClient[Any]:
    """:func:`_verified` for the async client."""
    try:
        await verification.verify_async(client, watcher)
    except BaseException as error:
        await client.close()
        del client
        if isinstance(error, _VERIFICATION_ERRORS):
            raise error.with_traceback(None) from None
        raise
    return client


@connection_string.raised_here
def _prepare(
    uri: str | None,
    min_tls_version: ssl.TLSVersion,
    keywords: Mapping[str, Any],
    *,
    verify: bool,
    connect_now: bool,
) -> _ClientArguments:
    floor = tls.validate_min_tls_version(min_tls_version)
    parsed = connection_string.parse(connection_string.resolve(uri))
    tls.refuse_insecure_options(parsed.written_options, keywords)
    ca_file = tls.choose_ca_file(parsed.options, keywords)
    tls.refuse_trust_in_crl_file(parsed.options, keywords)
    environment.ensure_fit(floor, ca_file, is_srv=parsed.is_srv)
    _pymongo_internals.check_tls_floor_hook(ca_file)
    connection_string.validate_options(parsed)
    connection_string.check_password(parsed, keywords)
    tls.refuse_key_without_password(parsed.options, keywords)
    profile = diagnosis.ConnectionProfile(
        redacted_uri=parsed.redacted,
        secrets=parsed.secrets + connection_string.keyword_secrets(keywords),
        ca_file=ca_file,
        min_tls_version=floor,
        srv_host=parsed.srv_host,
    )
    watcher = verification.HeartbeatWatcher(profile, verifying=verify)
    replaced = ("tlscafile", "event_listeners")
    client_keywords = {k: v for k, v in keywords.items() if k.lower() not in replaced}
    client_keywords["tlsCAFile"] = FlooredCAFile(ca_file, floor)
    if not any(k.lower() in ("tls", "ssl") for k in keywords):
        client_keywords["tls"] = True
    client_keywords["event_listeners"] = [*_event_listeners(keywords, parsed.redacted), watcher]
    if connect_now:
        client_keywords["connect"] = True
    return _ClientArguments(parsed.uri, client_keywords, profile, watcher)


def _event_listeners(keywords: Mapping[str, Any], redacted_uri: str) -> list[Any]:
    """The caller's ``event_listeners``, to which atlasconnect adds its own."""
    listeners = next((v for k, v in keywords.items() if k.lower() == "event_listeners"), None)
    if listeners is None:
        return []
    if isinstance(listeners, (list, tuple)):
        return list(listeners)
    raise ConnectionStringError(
        f"event_listeners must be a list of listeners, not a {type(listeners).__name__}.",
        why="pymongo takes a sequence of listeners, and atlasconnect adds its own to it.",
        fix="put the listener in a list: connect(uri, event_listeners=[listener]).",
        redacted_uri=redacted_uri,
    )


# OSError: pymongo opens the files tls* keywords name; pyOpenSSL's errors pass through pymongo.
_CONSTRUCTION_ERRORS: tuple[type[Exception], ...] = (
    PyMongoError,
    ValueError,
    TypeError,
    OSError,
    *_pymongo_internals.TLS_LIBRARY_ERRORS,
)


def _construct(client_class: type[_Client], arguments: _ClientArguments) -> _Client:
    try:
        client = client_class(arguments.uri, **arguments.keywords)
    except AtlasConnectError:
        raise
    except _CONSTRUCTION_ERRORS as exc:
        error = diagnosis.explain_construction_error(exc, arguments.profile)
    else:
        diagnosis.remember(client, arguments.profile)
        return client
    # Raised outside the except block: pymongo's exception may hold a secret
    # and must not be chained (__context__) to the error people print.
    raise error

"""Clients that hold atlasconnect's TLS policy.

``connect()`` and ``connect_async()`` make them; ``client_options()`` gives the
arguments for code that makes its own.
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from typing import Any, TypeVar

from pymongo import AsyncMongoClient, MongoClient
from pymongo.errors import PyMongoError

from . import _connection_string as connection_string
from . import _tls as tls
from . import _verification as verification
from ._exceptions import AtlasConnectError, ConnectionStringError
from ._plan import ConnectionPlan, build, make_plan

_Client = TypeVar("_Client", MongoClient[Any], AsyncMongoClient[Any])


def connect(
    uri: str | Sequence[str] | None = None,
    port: int | None = None,
    *,
    min_tls_version: ssl.TLSVersion = tls.DEFAULT_MIN_TLS_VERSION,
    verify: bool = False,
    system_ca: bool | None = None,
    dns_servers: Sequence[str] | str | None = None,
    client_class: type[MongoClient[Any]] = MongoClient,
    **kwargs: Any,
) -> MongoClient[Any]:
    """Return a :class:`pymongo.MongoClient` for ``uri`` that always uses TLS.

    ``uri`` defaults to the ``MONGODB_URI`` environment variable. pymongo's
    own way of naming the servers works too, so that ``connect`` can stand
    wherever a ``MongoClient`` class is expected: ``host=`` (or the first
    argument) as a connection string, a host name or a list of host names,
    and ``port=`` (or the second argument) as the port of a host written
    without one. A connection string given both ways is refused; given
    either way, it wins over ``MONGODB_URI``. Every other
    keyword goes to ``MongoClient`` unchanged, except that TLS is switched on,
    certificates are verified against certifi's CA bundle unless ``tlsCAFile``
    names another, and no connection of this client uses a TLS version below
    ``min_tls_version`` (TLS 1.1 to 1.3; the platform's own minimum, TLS 1.2 on
    current Pythons, is never lowered).

    With ``system_ca=True`` (or, when ``system_ca`` is not given, the
    environment variable ``ATLASCONNECT_SYSTEM_CA=1``), certificates are
    also trusted when the operating system's trust store trusts them, as its
    own verifier decides: for networks that inspect TLS and machines whose IT
    installs its own root CA. It needs the ``atlasconnect[system-ca]`` extra
    (truststore), and Python's ``ssl`` module: with pyOpenSSL installed, the
    synchronous client refuses it with :class:`MissingDependencyError`.

    ``dns_servers`` (``["1.1.1.1", "127.0.0.1:5353", "[::1]:53"]``; when not
    given, the comma-separated ``ATLASCONNECT_DNS_SERVERS`` environment
    variable) are the DNS servers of this client's SRV and TXT lookups, for a
    ``mongodb+srv://`` connection string: the first and every rescan, and
    nothing else in the process. Without them, the system's configuration is
    used. Either way a lookup that times out is tried once more within
    ``connectTimeoutMS``.

    ``client_class`` is the class of the client made: :class:`pymongo.MongoClient`
    or a subclass of it (a framework's own, such as Flask-PyMongo's).

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
    uri, kwargs = connection_string.conceal(uri, _with_port(kwargs, port))
    plan = make_plan(
        uri, min_tls_version, kwargs, proof="client", system_ca=system_ca, dns=dns_servers
    )
    watcher = verification.HeartbeatWatcher(plan.profile, verifying=verify)
    client_keywords = plan.client_keywords(watcher, connect_now=verify)
    made = _client_class(client_class, MongoClient)
    if not verify:
        return _construct(made, plan, client_keywords)
    # No local holds the client while it is verified: see _verified().
    return _verified(_construct(made, plan, client_keywords), watcher)


async def connect_async(
    uri: str | Sequence[str] | None = None,
    port: int | None = None,
    *,
    min_tls_version: ssl.TLSVersion = tls.DEFAULT_MIN_TLS_VERSION,
    verify: bool = False,
    system_ca: bool | None = None,
    dns_servers: Sequence[str] | str | None = None,
    client_class: type[AsyncMongoClient[Any]] = AsyncMongoClient,
    **kwargs: Any,
) -> AsyncMongoClient[Any]:
    """Return a :class:`pymongo.AsyncMongoClient`; arguments and guarantees as for :func:`connect`.

    .. versionadded:: 0.1.0
    """
    uri, kwargs = connection_string.conceal(uri, _with_port(kwargs, port))
    plan = make_plan(
        uri, min_tls_version, kwargs, proof="client", system_ca=system_ca, dns=dns_servers
    )
    watcher = verification.HeartbeatWatcher(plan.profile, verifying=verify)
    # The async client connects in verify_async(), with aconnect().
    client_keywords = plan.client_keywords(watcher)
    made = _client_class(client_class, AsyncMongoClient)
    if not verify:
        return _construct(made, plan, client_keywords)
    return await _verified_async(_construct(made, plan, client_keywords), watcher)


def client_options(
    uri: str | None = None,
    *,
    min_tls_version: ssl.TLSVersion = tls.DEFAULT_MIN_TLS_VERSION,
    system_ca: bool | None = None,
    dns_servers: Sequence[str] | str | None = None,
    **kwargs: Any,
) -> tuple[str, dict[str, Any]]:
    """The checked connection string and the ``MongoClient`` keywords that carry the policy.

    For code that builds its own client from "a URI and MongoClient options"
    (a framework, an ODM, motor): ``MongoClient(uri, **options)`` then gets
    what :func:`connect` gives, TLS on, the CA file that carries the TLS
    floor, and the listener that logs and explains failures. Arguments are
    :func:`connect`'s, and so is every refusal.

    The keywords may be reused for several clients, in several threads and
    after ``fork()``: they share one failure listener, which is safe to share.
    :func:`explain` knows the clients built from them.

    .. versionadded:: 0.1.0
    """
    uri, kwargs = connection_string.conceal(uri, kwargs)
    plan = make_plan(
        uri, min_tls_version, kwargs, proof="probe", system_ca=system_ca, dns=dns_servers
    )
    watcher = verification.HeartbeatWatcher(plan.profile, verifying=False)
    client_keywords = plan.client_keywords(watcher)
    # Decided on what pymongo builds from them: a client that never connects, checked, closed.
    _construct(MongoClient, plan, {**client_keywords, "connect": False}).close()
    return plan.uri, client_keywords


def _with_port(keywords: dict[str, Any], port: int | None) -> dict[str, Any]:
    """``keywords`` with pymongo's second argument, ``port``, given positionally."""
    return keywords if port is None else {**keywords, "port": port}


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


def _construct(
    client_class: type[_Client], plan: ConnectionPlan, client_keywords: dict[str, Any]
) -> _Client:
    return build(plan, lambda: client_class(plan.uri, **client_keywords))


def _client_class(given: Any, base: type[_Client]) -> type[_Client]:
    """``given`` when it is ``base`` or a subclass of it (a framework's own client class)."""
    if isinstance(given, type) and issubclass(given, base):
        return given
    raise ConnectionStringError(
        f"client_class must be pymongo's {base.__name__} or a subclass of it, not {given!r}.",
        why="atlasconnect builds the client with that class and reads back what pymongo "
        "built: it must be pymongo's own client.",
        fix=f"pass a subclass of pymongo.{base.__name__}, such as Flask-PyMongo's "
        "flask_pymongo.wrappers.MongoClient, or leave client_class out.",
        redacted_uri=None,
    )

"""``connect()`` and ``connect_async()``: pymongo clients that hold atlasconnect's TLS policy."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pymongo import AsyncMongoClient, MongoClient
from pymongo.errors import PyMongoError

from . import _pymongo_internals, connection_string, environment, tls
from ._pymongo_internals import FlooredCAFile
from .exceptions import AtlasConnectError

_Client = TypeVar("_Client", MongoClient[Any], AsyncMongoClient[Any])


@dataclass(frozen=True)
class _ClientArguments:
    """What to hand to the pymongo client, and the secrets to keep out of errors."""

    uri: str = field(repr=False)
    redacted_uri: str
    keywords: dict[str, Any] = field(repr=False)
    secrets: tuple[str, ...] = field(repr=False)


def connect(
    uri: str | None = None,
    *,
    min_tls_version: ssl.TLSVersion = tls.DEFAULT_MIN_TLS_VERSION,
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

    .. versionadded:: 0.1.0
    """
    arguments = _prepare(uri, min_tls_version, kwargs)
    return _construct(MongoClient, arguments)


async def connect_async(
    uri: str | None = None,
    *,
    min_tls_version: ssl.TLSVersion = tls.DEFAULT_MIN_TLS_VERSION,
    **kwargs: Any,
) -> AsyncMongoClient[Any]:
    """Return a :class:`pymongo.AsyncMongoClient`; arguments and guarantees as for :func:`connect`.

    .. versionadded:: 0.1.0
    """
    arguments = _prepare(uri, min_tls_version, kwargs)
    return _construct(AsyncMongoClient, arguments)


def _prepare(
    uri: str | None, min_tls_version: ssl.TLSVersion, keywords: Mapping[str, Any]
) -> _ClientArguments:
    floor = tls.validate_min_tls_version(min_tls_version)
    parsed = connection_string.parse(connection_string.resolve(uri))
    secrets = parsed.secrets + connection_string.keyword_secrets(keywords)
    tls.refuse_insecure_options(parsed.options, keywords)
    ca_file = tls.choose_ca_file(parsed.options, keywords)
    environment.ensure_fit(floor, ca_file, is_srv=parsed.is_srv)
    _pymongo_internals.check_tls_floor_hook()
    connection_string.validate_options(parsed)
    client_keywords = {k: v for k, v in keywords.items() if k.lower() != "tlscafile"}
    client_keywords["tlsCAFile"] = FlooredCAFile(ca_file, floor)
    if not any(k.lower() in ("tls", "ssl") for k in keywords):
        client_keywords["tls"] = True
    return _ClientArguments(parsed.uri, parsed.redacted, client_keywords, secrets)


def _construct(client_class: type[_Client], arguments: _ClientArguments) -> _Client:
    try:
        return client_class(arguments.uri, **arguments.keywords)
    except AtlasConnectError:
        raise
    except (PyMongoError, ValueError, TypeError) as exc:
        error = connection_string.invalid_option_error(
            exc, arguments.secrets, arguments.redacted_uri
        )
    # Raised outside the except block: pymongo's exception may hold a secret
    # and must not be chained (__context__) to the error people print.
    raise error

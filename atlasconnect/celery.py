"""Celery's MongoDB result backend, with atlasconnect's guarantees: ``MongoBackend``.

Celery's own backend reads the ``result_backend`` URL with pymongo's URI
parser at start-up, which resolves a ``mongodb+srv`` name there and then (a
DNS failure is pymongo's bare ``ConfigurationError``, and the hosts never
change afterwards), and builds ``MongoClient(host=[...], **options)`` itself.
This backend keeps the URL whole, so the client resolves and follows the SRV
record as any Atlas client does, and has :func:`atlasconnect.connect` build the
client: TLS always on, certifi or your CA, the TLS floor, insecure options
refused at start-up with the typed error, failures logged and explained.

Name it, with its URL, in Celery's ``result_backend`` setting::

    result_backend = "atlasconnect.celery:MongoBackend+mongodb+srv://user:pw@cluster0.example.net/celery"

Without a URL (``"atlasconnect.celery:MongoBackend"``) the connection string is
the ``MONGODB_URI`` environment variable, or the servers that
``mongodb_backend_settings`` names. Importing ``atlasconnect`` does not import
this module; importing this module needs Celery.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

try:
    from celery.backends import mongodb as celery_mongodb
except ImportError as missing:
    raise ImportError(
        "atlasconnect.celery needs Celery, which is not installed here: pip install celery",
        name="celery",
    ) from missing

from pymongo import MongoClient
from pymongo.errors import ConfigurationError

import atlasconnect

__all__ = ["MongoBackend"]

# Keys of mongodb_backend_settings that name the servers (Celery's own names).
_SERVER_SETTINGS = ("host", "port", "mongo_host")
# Keys of mongodb_backend_settings that are atlasconnect.connect()'s, not MongoClient's.
_ATLASCONNECT_SETTINGS = ("min_tls_version", "verify")


class MongoBackend(celery_mongodb.MongoBackend):  # type: ignore[misc]
    """Celery's ``MongoBackend``, whose client :func:`atlasconnect.connect` makes.

    Settings are Celery's: the URL in ``result_backend``, and
    ``mongodb_backend_settings`` (``database``, the collections, ``options``
    for ``MongoClient``, ``user``/``password``, or ``host``/``port``/
    ``mongo_host`` instead of a URL), plus ``min_tls_version`` and
    ``verify``, which go to :func:`atlasconnect.connect`.
    """

    _connection: MongoClient[Any] | None
    database_name: str

    def __init__(self, app: Any = None, url: str | None = None, **kwargs: Any) -> None:
        # Celery's __init__ parses a URL it is given (resolving mongodb+srv and
        # splitting it into hosts): it gets none, and the URL goes to connect() whole.
        super().__init__(app, url=None, **kwargs)
        try:
            self._configure(url)
        except atlasconnect.AtlasConnectError as error:
            # The frames below, and this one's arguments, hold the password as written.
            del url, kwargs
            raise error.with_traceback(None) from None

    def _configure(self, url: str | None) -> None:
        """Take the URL whole and make, at start-up, every refusal ``connect()`` would make."""
        self.url = None if url is None else self._ensure_mongodb_uri_compliance(url)
        self._settings: Mapping[str, Any] = self.app.conf.get("mongodb_backend_settings") or {}
        self._connect_options = {
            key: self.options.pop(key) for key in _ATLASCONNECT_SETTINGS if key in self.options
        }
        self._refuse_servers_named_twice()
        atlasconnect.client_options(**self._client_arguments(), **self._floor())

    def _get_connection(self) -> MongoClient[Any]:
        """The client, made by :func:`atlasconnect.connect` at the first use (as Celery does)."""
        if self._connection is None:
            client = atlasconnect.connect(**self._client_arguments(), **self._connect_options)
            if "database" not in self._settings:
                self.database_name = _default_database_name(client, self.database_name)
            self._connection = client
        return self._connection

    def _client_arguments(self) -> dict[str, Any]:
        """``connect()``'s arguments, but its own: servers, credentials, ``MongoClient`` options."""
        arguments = dict(self.options)
        if self.url is not None:
            arguments["uri"] = self.url
        elif "mongo_host" in self._settings:
            arguments["host"] = self.mongo_host
        elif any(key in self._settings for key in _SERVER_SETTINGS):
            arguments["host"] = self.host
            arguments["port"] = self.port
        if self.user:
            arguments["username"] = self.user
        if self.password:
            arguments["password"] = self.password
        return arguments

    def _floor(self) -> dict[str, Any]:
        """The ``min_tls_version`` of the settings, if they set one."""
        return {k: v for k, v in self._connect_options.items() if k == "min_tls_version"}

    def _refuse_servers_named_twice(self) -> None:
        named = [key for key in _SERVER_SETTINGS if key in self._settings]
        if self.url is None or not named:
            return
        raise atlasconnect.ConnectionStringError(
            f"The result backend's servers are named twice: in the result_backend URL and "
            f"as {', '.join(named)} in mongodb_backend_settings.",
            why="Celery would take the hosts from the settings and the rest from the URL; "
            "atlasconnect keeps the URL whole (so that mongodb+srv names are followed), "
            "and will not guess which servers you meant.",
            fix=f"name the servers once: remove {', '.join(named)} from "
            "mongodb_backend_settings, or the URL from result_backend "
            '(result_backend = "atlasconnect.celery:MongoBackend").',
            redacted_uri=None,
        )


def _default_database_name(client: MongoClient[Any], fallback: str) -> str:
    """The database the connection string names, else ``fallback`` (Celery's ``"celery"``).

    Read from the client, which knows it without resolving a ``mongodb+srv`` name.
    """
    try:
        return client.get_default_database().name
    except ConfigurationError:  # the connection string names no database
        return fallback

"""django-mongodb-backend's ``DatabaseWrapper`` with its client made by atlasconnect.

Django loads ``ENGINE + ".base"`` and takes ``DatabaseWrapper`` from it. This
one differs from django-mongodb-backend's in three places:

- construction: the database's settings are checked with
  :func:`atlasconnect.client_options`, so that insecure ``OPTIONS`` (``tls``
  off, ``tlsInsecure``, a TLS floor below 1.1) are refused before anything
  connects, with atlasconnect's typed error;
- the client: :func:`atlasconnect.connect` makes it, with ``OPTIONS`` as its
  keywords (``min_tls_version`` and ``verify`` included) and ``MONGODB_URI``
  when ``HOST`` is empty;
- the server version check Django runs on the first connection of each
  database alias: its failure is raised as the typed error that explains it.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django_mongodb_backend.base import DatabaseWrapper as MongoDatabaseWrapper
from pymongo import MongoClient
from pymongo.errors import PyMongoError

import atlasconnect

# OPTIONS that connect() takes but client_options() does not.
_CONNECTION_ONLY_OPTIONS = frozenset({"verify"})


class DatabaseWrapper(MongoDatabaseWrapper):  # type: ignore[misc]
    """A MongoDB database whose client always uses TLS, trusts certifi and holds a TLS floor."""

    def __init__(self, settings_dict: dict[str, Any], alias: str = DEFAULT_DB_ALIAS) -> None:
        super().__init__(settings_dict, alias)
        self._refuse_insecure_settings()

    def _refuse_insecure_settings(self) -> None:
        """Raise atlasconnect's typed error now for settings :func:`atlasconnect.connect` refuses.

        Django makes this object the first time its alias is used, in each
        thread, before any connection: refusing here keeps a configuration
        mistake apart from network failures, which can only come later.
        """
        atlasconnect.client_options(**self._policy_keywords())

    def _policy_keywords(self) -> dict[str, Any]:
        """The connection parameters that :func:`atlasconnect.client_options` takes.

        A function of its own, so that the frames of this backend in the
        traceback of a refusal hold no copy of them (they hold ``PASSWORD``)
        as a local; Django's own frames still hold the settings.
        """
        return {
            name: value
            for name, value in self.get_connection_params().items()
            if name not in _CONNECTION_ONLY_OPTIONS
        }

    def get_new_connection(self, conn_params: dict[str, Any]) -> MongoClient[Any]:
        """The alias's client, made by :func:`atlasconnect.connect` the first time.

        As in django-mongodb-backend, one client (a connection pool) serves
        every thread of the alias; one made by a thread that lost the race to
        store its own is closed.
        """
        if self.alias not in self._connection_pools:
            client = atlasconnect.connect(**conn_params, driver=self._driver_info())
            if self._connection_pools.setdefault(self.alias, client) is not client:
                client.close()
        pooled: MongoClient[Any] = self._connection_pools[self.alias]
        return pooled

    def get_database_version(self) -> tuple[int, ...]:
        """The server's version; a failure to reach the server raised as atlasconnect's typed error.

        Django asks for it on the first connection of each alias in a
        process: the first time this database talks to its server.
        """
        try:
            version: tuple[int, ...] = super().get_database_version()
        except PyMongoError as exc:
            error = atlasconnect.explain(exc, self.connection)
            if error is None:
                raise
        else:
            return version
        # Raised outside the except block: pymongo's error is not chained to it.
        raise error

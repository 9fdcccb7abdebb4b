"""Flask-PyMongo with atlasconnect's guarantees: ``atlasconnect.flask.PyMongo``.

Flask-PyMongo builds ``MongoClient(uri, *args, **kwargs)`` itself, and with
its stock settings accepts a connection string without TLS and
``tlsInsecure=true``. This ``PyMongo`` takes the same arguments and keeps the
rest of Flask-PyMongo (``.db``, ``.cx``, the ``ObjectId`` URL converter, the
BSON-aware JSON provider, ``send_file`` and ``save_file``, and ``.cx`` of
Flask-PyMongo's own client class, whose databases have ``find_one_or_404``), but its client is
made by :func:`atlasconnect.connect`, so it refuses what ``connect()`` refuses,
when the app is set up, with the same typed errors.

Importing ``atlasconnect`` does not import this module; importing this module
needs Flask-PyMongo.
"""

from __future__ import annotations

import os
import ssl
from typing import Any

try:
    import flask_pymongo
    from flask_pymongo.helpers import BSONObjectIdConverter, BSONProvider
    from flask_pymongo.wrappers import Database
    from flask_pymongo.wrappers import MongoClient as FlaskMongoClient
except ImportError as missing:
    raise ImportError(
        "atlasconnect.flask needs Flask-PyMongo, which is not installed here: "
        "pip install Flask-PyMongo",
        name="flask_pymongo",
    ) from missing

from flask import Flask
from pymongo import MongoClient
from pymongo.driver_info import DriverInfo
from pymongo.errors import ConfigurationError

import atlasconnect

__all__ = ["PyMongo"]

# MongoClient's positional parameters after ``host``, in its order: Flask-PyMongo
# passes ``*args`` on to MongoClient, and connect() takes them by name.
_MONGOCLIENT_POSITIONAL = ("port", "document_class", "tz_aware", "connect", "type_registry")


class PyMongo(flask_pymongo.PyMongo):  # type: ignore[misc]
    """Flask-PyMongo's ``PyMongo``, whose client :func:`atlasconnect.connect` makes.

    Arguments are Flask-PyMongo's (``app=None, uri=None, *args, **kwargs``),
    plus ``connect()``'s own keywords ``min_tls_version`` and ``verify``.
    """

    def init_app(
        self,
        app: Flask,
        uri: str | None = None,
        *args: Any,
        min_tls_version: ssl.TLSVersion | None = None,
        verify: bool = False,
        **kwargs: Any,
    ) -> None:
        """Make the client for ``app`` and register Flask-PyMongo's converter and JSON provider.

        The connection string is ``uri``, else the app's ``MONGO_URI``, else
        the ``MONGODB_URI`` environment variable. As with Flask-PyMongo, the
        client connects at its first operation (``connect=False``) unless
        told otherwise, and ``.db`` is the database the connection string
        names, or ``None``. ``min_tls_version`` and ``verify`` are
        :func:`atlasconnect.connect`'s (``None``: its default floor). Every
        refusal of ``connect()`` (TLS off, ``tlsInsecure``, a TLS floor below
        1.1, ...) is raised here, as its typed error, with no frame that holds
        a secret.
        """
        try:
            client = _connect(app, uri, args, kwargs, min_tls_version, verify)
        except atlasconnect.AtlasConnectError as error:
            # The frames below, and this one's arguments, hold the password as written.
            del uri, args, kwargs
            raise error.with_traceback(None) from None
        self.cx = client
        self.db = _default_database(client)
        app.url_map.converters["ObjectId"] = BSONObjectIdConverter
        app.json = BSONProvider(app)


def _connect(
    app: Flask,
    uri: str | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    min_tls_version: ssl.TLSVersion | None,
    verify: bool,
) -> MongoClient[Any]:
    """The client Flask-PyMongo would make, made by :func:`atlasconnect.connect`."""
    if uri is None:
        uri = app.config.get("MONGO_URI")
    if uri is None and "MONGODB_URI" not in os.environ:
        raise atlasconnect.ConnectionStringError(
            "No connection string was given: PyMongo() had no uri, the Flask config "
            "has no MONGO_URI, and the MONGODB_URI environment variable is not set.",
            why="atlasconnect needs to know which cluster the app uses.",
            fix="set app.config['MONGO_URI'] (or MONGODB_URI in the environment) to the "
            "connection string from the Atlas UI: Database > Connect > Drivers > Python.",
            redacted_uri=None,
        )
    keywords = {**_named(args), **kwargs}
    keywords.setdefault("connect", False)
    keywords.setdefault("driver", DriverInfo("Flask-PyMongo", flask_pymongo.__version__))
    if min_tls_version is not None:
        keywords["min_tls_version"] = min_tls_version
    # Flask-PyMongo's own client class: cx["db"] and cx.db are its Database, with find_one_or_404.
    return atlasconnect.connect(uri, verify=verify, client_class=FlaskMongoClient, **keywords)


def _named(args: tuple[Any, ...]) -> dict[str, Any]:
    """MongoClient's positional arguments after ``host``, by name."""
    if len(args) > len(_MONGOCLIENT_POSITIONAL):
        raise TypeError(
            f"PyMongo takes at most {len(_MONGOCLIENT_POSITIONAL)} positional arguments after "
            f"the uri (MongoClient's {', '.join(_MONGOCLIENT_POSITIONAL)}), not {len(args)}"
        )
    return dict(zip(_MONGOCLIENT_POSITIONAL, args, strict=False))


def _default_database(client: MongoClient[Any]) -> Database | None:
    """Flask-PyMongo's ``.db``: the database the connection string names, if it names one.

    Read from the client, which knows it without resolving a ``mongodb+srv``
    name (Flask-PyMongo parses the URI itself, which looks the name up).
    """
    try:
        name = client.get_default_database().name
    except ConfigurationError:  # the connection string names no database
        return None
    return Database(client, name)

"""inject_into_pymongo() with stock libraries: no atlasconnect code in their configuration.

Each library makes its own client from a connection string, as shipped:
motor, MongoEngine, Flask-PyMongo, django-mongodb-backend, Celery's MongoDB
result backend. With injection in force each keeps every guarantee (TLS
switched on, the floor, certifi's bundle, insecure options refused) and
explain() finds the cause in what the library raises.
"""

from __future__ import annotations

import asyncio
import itertools
import ssl
from collections.abc import Callable, Iterator
from typing import Any

import django_setup
import flask_pymongo
import mongoengine
import pytest
import trustme
from celery import Celery
from chain import atlasconnect_error_in
from django.db import connections
from flask import Flask
from motor.motor_asyncio import AsyncIOMotorClient
from servers import MongoServer, ProxiedUri, server_context

import atlasconnect

django_setup.configure()

DATABASE = "injected"
FAST: dict[str, Any] = {"serverSelectionTimeoutMS": 2000, "connectTimeoutMS": 2000}
_aliases = itertools.count()


def with_database(uri: str) -> str:
    return uri.replace("/?", f"/{DATABASE}?", 1)


def use_motor(uri: str) -> int:
    async def main() -> int:
        client: Any = AsyncIOMotorClient(uri)
        try:
            await client[DATABASE].things.insert_one({"library": "motor"})
            return int(await client[DATABASE].things.count_documents({}))
        finally:
            client.close()

    return asyncio.run(main())


def use_mongoengine(uri: str) -> int:
    alias = f"injected{next(_aliases)}"
    try:
        mongoengine.connect(db=DATABASE, host=uri, alias=alias)
        things = mongoengine.get_db(alias).things
        things.insert_one({"library": "mongoengine"})
        return int(things.count_documents({}))
    finally:
        mongoengine.disconnect(alias)


def use_flask_pymongo(uri: str) -> int:
    app = Flask(__name__)
    app.config["MONGO_URI"] = with_database(uri)
    mongo = flask_pymongo.PyMongo(app)
    try:
        mongo.db.things.insert_one({"library": "flask"})
        return int(mongo.db.things.count_documents({}))
    finally:
        mongo.cx.close()


def use_django(uri: str) -> int:
    alias = f"injected{next(_aliases)}"
    connections.settings[alias] = connections.configure_settings(
        {"default": {"ENGINE": "django_mongodb_backend", "HOST": uri, "NAME": DATABASE}}
    )["default"]
    connection = connections[alias]
    try:
        things = connection.get_collection("things")
        things.insert_one({"library": "django"})
        return int(things.count_documents({}))
    finally:
        connection.close_pool()
        del connections[alias]
        del connections.settings[alias]


def use_celery(uri: str) -> int:
    app = Celery("injected")
    app.conf.result_backend = with_database(uri)
    app.conf.update(task_always_eager=True, task_store_eager_result=True, broker_url="memory://")

    def add(x: int, y: int) -> int:
        return x + y

    task = app.task(add, name="add")
    try:
        task_id = task.delay(2, 3).id
        assert app.AsyncResult(task_id).get(timeout=10) == 5
        return int(app.backend.collection.count_documents({}))
    finally:
        if app.backend._connection is not None:
            app.backend._connection.close()


LIBRARIES: dict[str, Callable[[str], int]] = {
    "motor": use_motor,
    "mongoengine": use_mongoengine,
    "flask-pymongo": use_flask_pymongo,
    "django-mongodb-backend": use_django,
    "celery": use_celery,
}


@pytest.fixture(params=list(LIBRARIES))
def use(request: pytest.FixtureRequest) -> Callable[[str], int]:
    return LIBRARIES[request.param]


@pytest.fixture
def clean(mongo: MongoServer, ca_file: str) -> Iterator[None]:
    yield
    client = atlasconnect.connect(mongo.uri(), tlsCAFile=ca_file)
    client.drop_database(DATABASE)
    client.close()


@pytest.mark.usefixtures("injected", "clean")
def test_a_round_trip_with_tls_switched_on(
    use: Callable[[str], int], mongo: MongoServer, ca_file: str
) -> None:
    """The URI does not ask for TLS and the server speaks nothing else."""
    assert use(mongo.uri(tlsCAFile=ca_file)) >= 1


@pytest.mark.usefixtures("injected")
def test_an_untrusted_server_is_refused_and_explained(
    use: Callable[[str], int], mongo: MongoServer
) -> None:
    with pytest.raises(Exception) as caught:  # noqa: PT011 (each library raises its own)
        use(mongo.uri(**FAST))  # certifi's bundle: the test CA is not in it
    assert isinstance(
        atlasconnect_error_in(caught.value), atlasconnect.CertificateVerificationError
    )


@pytest.mark.usefixtures("injected")
def test_tls_insecure_is_refused(use: Callable[[str], int], mongo: MongoServer) -> None:
    with pytest.raises(Exception) as caught:  # noqa: PT011
        use(mongo.uri(tlsInsecure=True, **FAST))
    assert isinstance(atlasconnect_error_in(caught.value), atlasconnect.InsecureConfigurationError)


def test_the_tls_1_3_floor_refuses_a_tls_1_2_server(
    use: Callable[[str], int], proxied_uri: ProxiedUri, leaf: trustme.LeafCert, ca_file: str
) -> None:
    uri = proxied_uri(
        server_context(leaf, maximum=ssl.TLSVersion.TLSv1_2), tlsCAFile=ca_file, **FAST
    )
    atlasconnect.inject_into_pymongo(min_tls_version=ssl.TLSVersion.TLSv1_3)
    try:
        with pytest.raises(Exception) as caught:  # noqa: PT011
            use(uri)
    finally:
        atlasconnect.extract_from_pymongo()
    assert isinstance(atlasconnect_error_in(caught.value), atlasconnect.TLSVersionRefusedError)

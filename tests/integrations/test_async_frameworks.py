"""motor, ODMantic, Beanie and FastAPI with atlasconnect, through their own APIs.

The functions named as recipes are the code docs/integrations/async.rst shows
(``literalinclude`` + ``:pyobject:``): the docs show what these tests run.
motor (and ODMantic's ``AIOEngine``, which needs a motor client) builds its own
``MongoClient``, so everything atlasconnect promises is checked through it: the
round trip, the TLS floor, an untrusted CA, ``tlsInsecure`` refused, failures
explained. Beanie, FastAPI and ODMantic's ``SyncEngine`` take the client they
are given: a round trip and one explained failure each.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
import trustme
from beanie import Document, init_beanie
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from motor.motor_asyncio import AsyncIOMotorClient
from odmantic import AIOEngine, Model, SyncEngine
from pymongo import AsyncMongoClient
from pymongo.errors import ServerSelectionTimeoutError
from servers import MongoServer, ProxiedUri, server_context

import atlasconnect
from atlasconnect import (
    AtlasConnectError,
    CertificateVerificationError,
    InsecureConfigurationError,
    TLSVersionRefusedError,
)

FAST_FAILURE: dict[str, Any] = {"serverSelectionTimeoutMS": 1000, "connectTimeoutMS": 1000}
TLS_1_3 = ssl.TLSVersion.TLSv1_3


# motor: builds its own MongoClient (``.delegate``) from a URI and options.


def motor_client(uri: str | None = None, **options: Any) -> AsyncIOMotorClient:
    """Recipe: a motor client that holds atlasconnect's policy.

    For code not yet on pymongo's own asyncio client.
    """
    uri, options = atlasconnect.client_options(uri, **options)
    return AsyncIOMotorClient(uri, **options)


async def save_and_read_order(client: AsyncIOMotorClient | AsyncMongoClient[Any]) -> Any:
    """Recipe: code written for motor runs unchanged on ``connect_async()``'s client."""
    orders = client.shop.orders
    await orders.insert_one({"_id": 1, "item": "tea", "quantity": 2})
    return await orders.find_one({"_id": 1})


def test_motor_round_trip(mongo: MongoServer, ca_file: str) -> None:
    async def main() -> None:
        client = motor_client(mongo.uri(), tlsCAFile=ca_file)
        try:
            assert await save_and_read_order(client) == {"_id": 1, "item": "tea", "quantity": 2}
        finally:
            await client.shop.orders.drop()
            client.close()

    asyncio.run(main())


def test_the_motor_code_runs_on_connect_async(mongo: MongoServer, ca_file: str) -> None:
    async def main() -> None:
        client = await atlasconnect.connect_async(mongo.uri(), tlsCAFile=ca_file, verify=True)
        try:
            assert await save_and_read_order(client) == {"_id": 1, "item": "tea", "quantity": 2}
        finally:
            await client.shop.orders.drop()
            await client.close()

    asyncio.run(main())


@pytest.mark.parametrize("option", ["tlsInsecure=true", "tlsAllowInvalidHostnames=true"])
def test_the_motor_recipe_keeps_the_policy_for_a_uri_ending_in_a_line_break(
    mongo: MongoServer, ca_file: str, option: str
) -> None:
    with pytest.raises(InsecureConfigurationError, match=option):
        motor_client(f"{mongo.uri(tls=True)}&{option}\n", tlsCAFile=ca_file)


# ODMantic: AIOEngine needs a motor client; SyncEngine takes a MongoClient.


class Product(Model):  # type: ignore[misc]
    name: str
    price: float


def odmantic_engine(uri: str | None = None, **options: Any) -> AIOEngine:
    """Recipe: ODMantic's async engine on the motor client of :func:`motor_client`."""
    return AIOEngine(client=motor_client(uri, **options), database="shop")


def odmantic_sync_engine(uri: str | None = None, **options: Any) -> SyncEngine:
    """Recipe: ODMantic's sync engine on the client of ``atlasconnect.connect()``."""
    return SyncEngine(client=atlasconnect.connect(uri, **options), database="shop")


def test_odmantic_async_engine_round_trip(mongo: MongoServer, ca_file: str) -> None:
    async def main() -> None:
        engine = odmantic_engine(mongo.uri(), tlsCAFile=ca_file)
        try:
            await engine.save(Product(name="kettle", price=30.0))
            found = await engine.find_one(Product, Product.name == "kettle")
            assert found is not None
            assert found.price == 30.0
        finally:
            await engine.get_collection(Product).drop()
            engine.client.close()

    asyncio.run(main())


def test_odmantic_sync_engine_round_trip(mongo: MongoServer, ca_file: str) -> None:
    engine = odmantic_sync_engine(mongo.uri(), tlsCAFile=ca_file)
    try:
        engine.save(Product(name="teapot", price=25.0))
        found = engine.find_one(Product, Product.name == "teapot")
        assert found is not None
        assert found.price == 25.0
    finally:
        engine.get_collection(Product).drop()
        engine.client.close()


def test_odmantic_sync_engine_failure_is_explained(mongo: MongoServer, other_ca_file: str) -> None:
    engine = odmantic_sync_engine(mongo.uri(), tlsCAFile=other_ca_file, **FAST_FAILURE)
    try:
        with pytest.raises(ServerSelectionTimeoutError) as info:
            engine.save(Product(name="teapot", price=25.0))
        error = atlasconnect.explain(info.value, engine.client)
    finally:
        engine.client.close()
    assert isinstance(error, CertificateVerificationError)
    assert error.reason == "untrusted"
    assert error.ca_file == other_ca_file


# What motor and ODMantic's AIOEngine must prove: they build the client themselves.

# Each framework: how a test opens it (returning the motor client inside), and
# one operation through its API.
Opened = tuple[Any, AsyncIOMotorClient]


def open_motor(uri: str, options: dict[str, Any]) -> Opened:
    client = motor_client(uri, **options)
    return client, client


async def find_with_motor(client: Any) -> None:
    await client.shop.orders.find_one({})


def open_odmantic(uri: str, options: dict[str, Any]) -> Opened:
    engine = odmantic_engine(uri, **options)
    return engine, engine.client


async def find_with_odmantic(engine: Any) -> None:
    await engine.find_one(Product)


Framework = tuple[Callable[[str, dict[str, Any]], Opened], Callable[[Any], Awaitable[None]]]
FRAMEWORKS = [
    pytest.param((open_motor, find_with_motor), id="motor"),
    pytest.param((open_odmantic, find_with_odmantic), id="odmantic"),
]


def failure_of(framework: Framework, uri: str, **options: Any) -> AtlasConnectError | None:
    """atlasconnect's explanation of the error an operation through ``framework`` raised."""
    open_framework, operate = framework

    async def main() -> AtlasConnectError | None:
        handle, motor = open_framework(uri, options)
        try:
            with pytest.raises(ServerSelectionTimeoutError) as info:
                await operate(handle)
            return atlasconnect.explain(info.value, motor)  # it reads motor's delegate
        finally:
            motor.close()

    return asyncio.run(main())


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_tls_floor_holds(
    framework: Framework, proxied_uri: ProxiedUri, leaf: trustme.LeafCert, ca_file: str
) -> None:
    tls_1_2_server = proxied_uri(server_context(leaf, maximum=ssl.TLSVersion.TLSv1_2))
    error = failure_of(
        framework, tls_1_2_server, tlsCAFile=ca_file, min_tls_version=TLS_1_3, **FAST_FAILURE
    )
    assert isinstance(error, TLSVersionRefusedError)
    assert error.min_tls_version == TLS_1_3  # the floor the framework's client was given
    assert "protocol version" in error.found.lower()


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_an_untrusted_ca_is_refused(
    framework: Framework, mongo: MongoServer, other_ca_file: str
) -> None:
    error = failure_of(framework, mongo.uri(), tlsCAFile=other_ca_file, **FAST_FAILURE)
    assert isinstance(error, CertificateVerificationError)
    assert error.reason == "untrusted"


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("where", ["uri", "keyword"])
def test_tls_insecure_is_refused(framework: Framework, where: str, mongo: MongoServer) -> None:
    uri = mongo.uri(tlsInsecure=True) if where == "uri" else mongo.uri()
    options = {"tlsInsecure": True} if where == "keyword" else {}
    open_framework, _ = framework
    with pytest.raises(InsecureConfigurationError) as info:
        open_framework(uri, options)
    assert "tlsInsecure" in info.value.found


# Beanie: init_beanie() takes the database of the client it is given.


class Customer(Document):  # type: ignore[misc]
    name: str
    city: str

    class Settings:
        name = "customers"


async def init_database(uri: str | None = None, **options: Any) -> AsyncMongoClient[Any]:
    """Recipe: Beanie on the client of ``atlasconnect.connect_async()``.

    The connection is checked at start-up.
    """
    client = await atlasconnect.connect_async(uri, verify=True, **options)
    await init_beanie(database=client.shop, document_models=[Customer])
    return client


def test_beanie_round_trip(mongo: MongoServer, ca_file: str) -> None:
    async def main() -> None:
        client = await init_database(mongo.uri(), tlsCAFile=ca_file)
        try:
            await Customer(name="Ada", city="London").insert()
            found = await Customer.find_one(Customer.name == "Ada")
            assert found is not None
            assert found.city == "London"
        finally:
            await Customer.get_pymongo_collection().drop()
            await client.close()

    asyncio.run(main())


def test_beanie_failure_is_explained(mongo: MongoServer, other_ca_file: str) -> None:
    with pytest.raises(CertificateVerificationError) as info:
        asyncio.run(init_database(mongo.uri(), tlsCAFile=other_ca_file, **FAST_FAILURE))
    assert info.value.reason == "untrusted"
    assert info.value.ca_file == other_ca_file


# FastAPI: a lifespan opens the client (MONGODB_URI) before the first request and closes it.


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Recipe: one client for the application's life, checked before it serves."""
    client = await atlasconnect.connect_async(verify=True)  # MONGODB_URI
    app.state.mongo = client
    try:
        yield
    finally:
        await client.close()


def create_app() -> FastAPI:
    """Recipe: route handlers use the lifespan's client."""
    app = FastAPI(lifespan=lifespan)

    @app.put("/notes/{name}")  # type: ignore[untyped-decorator]
    async def save_note(
        name: str,
        note: dict[str, str],
        request: Request,
    ) -> dict[str, str]:
        notes = request.app.state.mongo.shop.notes
        await notes.replace_one({"_id": name}, {"_id": name, **note}, upsert=True)
        return note

    @app.get("/notes/{name}")  # type: ignore[untyped-decorator]
    async def read_note(name: str, request: Request) -> dict[str, Any]:
        notes = request.app.state.mongo.shop.notes
        found: dict[str, Any] = await notes.find_one({"_id": name}, {"_id": 0}) or {}
        return found

    return app


def test_fastapi_round_trip(
    mongo: MongoServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONGODB_URI", mongo.uri(tlsCAFile=ca_file))
    app = create_app()
    try:
        with TestClient(app) as http:
            assert http.put("/notes/first", json={"text": "hello"}).json() == {"text": "hello"}
            assert http.get("/notes/first").json() == {"text": "hello"}
    finally:
        with atlasconnect.connect(mongo.uri(), tlsCAFile=ca_file) as client:
            client.shop.notes.drop()


def test_fastapi_start_up_failure_is_explained(
    mongo: MongoServer, other_ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONGODB_URI", mongo.uri(tlsCAFile=other_ca_file, **FAST_FAILURE))
    with pytest.raises(CertificateVerificationError) as info, TestClient(create_app()):
        pass
    assert info.value.reason == "untrusted"

"""connect() and connect_async() against real loopback servers: TLS, SCRAM, SNI, SRV, the floor."""

from __future__ import annotations

import asyncio
import ssl
import threading
from typing import Any

import pytest
import trustme
from pymongo import AsyncMongoClient, MongoClient
from pymongo.errors import ServerSelectionTimeoutError
from servers import MongoServer, ProxiedUri, SrvClusterFactory, TLSProxyFactory, server_context

import atlasconnect

FAST_FAILURE: dict[str, Any] = {"serverSelectionTimeoutMS": 1000, "connectTimeoutMS": 1000}
TLS_1_3 = ssl.TLSVersion.TLSv1_3


def round_trip(client: MongoClient[Any], name: str) -> None:
    collection = client.test_connect[name]
    try:
        assert client.admin.command("ping")["ok"] == 1
        collection.insert_one({"_id": 1, "hello": "atlas"})
        assert collection.find_one({"_id": 1}) == {"_id": 1, "hello": "atlas"}
    finally:
        collection.drop()
        client.close()


async def async_round_trip(client: AsyncMongoClient[Any], name: str) -> None:
    collection = client.test_connect[name]
    try:
        assert (await client.admin.command("ping"))["ok"] == 1
        await collection.insert_one({"_id": 1, "hello": "atlas"})
        assert await collection.find_one({"_id": 1}) == {"_id": 1, "hello": "atlas"}
    finally:
        await collection.drop()
        await client.close()


def test_round_trip_over_tls_with_scram(mongo: MongoServer, ca_file: str) -> None:
    round_trip(atlasconnect.connect(mongo.uri(), tlsCAFile=ca_file), "sync")


def test_async_round_trip_over_tls_with_scram(mongo: MongoServer, ca_file: str) -> None:
    async def main() -> None:
        client = await atlasconnect.connect_async(mongo.uri(), tlsCAFile=ca_file)
        await async_round_trip(client, "async")

    asyncio.run(main())


def test_tls_ca_file_in_the_uri(mongo: MongoServer, ca_file: str) -> None:
    round_trip(atlasconnect.connect(mongo.uri(tlsCAFile=ca_file)), "uri_ca")


def test_sni_sent_is_the_uri_host(
    plain_mongo: MongoServer, tls_proxy: TLSProxyFactory, leaf: trustme.LeafCert, ca_file: str
) -> None:
    proxy = tls_proxy(server_context(leaf), (plain_mongo.host, plain_mongo.port))
    client = atlasconnect.connect(plain_mongo.uri("localhost", proxy.port), tlsCAFile=ca_file)
    round_trip(client, "sni")
    assert proxy.sni_names
    assert set(proxy.sni_names) == {"localhost"}


def test_srv_end_to_end_with_three_hosts(srv_cluster: SrvClusterFactory, ca_file: str) -> None:
    cluster = srv_cluster(nodes=3)
    round_trip(atlasconnect.connect(cluster.uri(), tlsCAFile=ca_file), "srv")
    for host, proxy in zip(cluster.hosts, cluster.proxies, strict=True):
        assert host in proxy.sni_names


def test_certifi_is_trusted_not_the_system_store(
    mongo: MongoServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # OpenSSL's default verify paths (what pymongo loads without tlsCAFile) now hold the test CA.
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    plain: MongoClient[dict[str, Any]] = MongoClient(mongo.uri(tls=True), **FAST_FAILURE)
    round_trip(plain, "system_store")
    client = atlasconnect.connect(mongo.uri(), **FAST_FAILURE)
    with pytest.raises(ServerSelectionTimeoutError, match="certificate verify failed"):
        client.admin.command("ping")
    client.close()


# The floor: a server that offers nothing newer than TLS 1.2, and clients asking for 1.3.


def tls_1_2_only(leaf: trustme.LeafCert) -> ssl.SSLContext:
    return server_context(leaf, maximum=ssl.TLSVersion.TLSv1_2)


@pytest.fixture(params=["mongodb", "mongodb+srv"])
def tls_1_2_server(request: pytest.FixtureRequest, leaf: trustme.LeafCert) -> str:
    """URI of a server that offers nothing newer than TLS 1.2, over each URI scheme."""
    if request.param == "mongodb+srv":
        srv_cluster: SrvClusterFactory = request.getfixturevalue("srv_cluster")
        return srv_cluster(nodes=3, contexts=[tls_1_2_only(leaf) for _ in range(3)]).uri()
    proxied_uri: ProxiedUri = request.getfixturevalue("proxied_uri")
    return proxied_uri(tls_1_2_only(leaf))


def assert_floor_refuses(client: MongoClient[Any], *, in_thread: bool = False) -> None:
    errors: list[BaseException] = []

    def ping() -> None:
        try:
            client.admin.command("ping")
        except BaseException as exc:  # re-raised below, in the test thread
            errors.append(exc)

    if in_thread:
        thread = threading.Thread(target=ping)
        thread.start()
        thread.join()
    else:
        ping()
    client.close()
    assert len(errors) == 1
    assert isinstance(errors[0], ServerSelectionTimeoutError)
    assert "protocol version" in str(errors[0]).lower()


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_floor_holds_sync(tls_1_2_server: str, ca_file: str, lazy: bool) -> None:
    client = atlasconnect.connect(
        tls_1_2_server, tlsCAFile=ca_file, min_tls_version=TLS_1_3, connect=not lazy, **FAST_FAILURE
    )
    # A lazy client resolves SRV and builds its context at the first operation: run it elsewhere.
    assert_floor_refuses(client, in_thread=lazy)
    plain: MongoClient[dict[str, Any]] = MongoClient(
        tls_1_2_server, tls=True, tlsCAFile=ca_file, connect=not lazy
    )
    round_trip(plain, "floor_plain")
    round_trip(atlasconnect.connect(tls_1_2_server, tlsCAFile=ca_file), "floor_default")


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_floor_holds_async(tls_1_2_server: str, ca_file: str, lazy: bool) -> None:
    async def main() -> None:
        client = await atlasconnect.connect_async(
            tls_1_2_server,
            tlsCAFile=ca_file,
            min_tls_version=TLS_1_3,
            connect=not lazy,
            **FAST_FAILURE,
        )
        with pytest.raises(ServerSelectionTimeoutError, match=r"(?i)protocol version"):
            await client.admin.command("ping")
        await client.close()
        plain: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            tls_1_2_server, tls=True, tlsCAFile=ca_file, connect=not lazy
        )
        await async_round_trip(plain, "floor_plain_async")

    asyncio.run(main())


def test_verify_returns_a_working_client(mongo: MongoServer, ca_file: str) -> None:
    round_trip(atlasconnect.connect(mongo.uri(), tlsCAFile=ca_file, verify=True), "verify")


def test_verify_connects_a_lazy_client_now(srv_cluster: SrvClusterFactory, ca_file: str) -> None:
    cluster = srv_cluster(nodes=3)
    client = atlasconnect.connect(cluster.uri(), tlsCAFile=ca_file, connect=False, verify=True)
    assert client.topology_description.has_writable_server()
    round_trip(client, "verify_lazy")


def test_verify_async_returns_a_working_client(
    srv_cluster: SrvClusterFactory, ca_file: str
) -> None:
    cluster = srv_cluster(nodes=3)

    async def main() -> None:
        client = await atlasconnect.connect_async(cluster.uri(), tlsCAFile=ca_file, verify=True)
        await async_round_trip(client, "verify_async")

    asyncio.run(main())

"""client_options() and pymongo's host/port convention: the policy on clients others build."""

from __future__ import annotations

import os
import signal
import ssl
import time
from types import SimpleNamespace
from typing import Any

import pytest
import trustme
from pymongo import MongoClient
from pymongo.errors import ServerSelectionTimeoutError
from servers import MongoServer, ProxiedUri, server_context

import atlasconnect
from atlasconnect import ConnectionStringError, InsecureConfigurationError, TLSVersionRefusedError

FAST: dict[str, Any] = {"serverSelectionTimeoutMS": 1000, "connectTimeoutMS": 1000}
TLS_1_3 = ssl.TLSVersion.TLSv1_3


def ping(client: MongoClient[Any]) -> None:
    try:
        assert client.admin.command("ping")["ok"] == 1
    finally:
        client.close()


def test_a_client_built_from_the_options_round_trips(mongo: MongoServer, ca_file: str) -> None:
    uri, options = atlasconnect.client_options(mongo.uri(), tlsCAFile=ca_file)
    assert options["tls"] is True
    ping(MongoClient(uri, **options))


def test_the_options_hold_the_floor_and_explain_refers_to_them(
    proxied_uri: ProxiedUri, leaf: trustme.LeafCert, ca_file: str
) -> None:
    server = proxied_uri(server_context(leaf, maximum=ssl.TLSVersion.TLSv1_2))
    uri, options = atlasconnect.client_options(
        server, min_tls_version=TLS_1_3, tlsCAFile=ca_file, **FAST
    )
    client: MongoClient[Any] = MongoClient(uri, **options)
    try:
        with pytest.raises(ServerSelectionTimeoutError) as info:
            client.admin.command("ping")
        errors = [
            atlasconnect.explain(info.value, client),
            atlasconnect.explain(info.value, SimpleNamespace(delegate=client)),  # motor's shape
        ]
    finally:
        client.close()
    for error in errors:
        assert isinstance(error, TLSVersionRefusedError)
        assert error.min_tls_version == TLS_1_3  # the plan's floor, found through the client


def test_the_options_refuse_what_connect_refuses() -> None:
    with pytest.raises(InsecureConfigurationError):
        atlasconnect.client_options("mongodb://db.example.test/?tlsInsecure=true")
    with pytest.raises(InsecureConfigurationError):
        atlasconnect.client_options("mongodb://db.example.test/", tlsAllowInvalidCertificates=True)


def test_the_options_serve_several_clients_and_a_forked_child(
    mongo: MongoServer, ca_file: str
) -> None:
    uri, options = atlasconnect.client_options(mongo.uri(), tlsCAFile=ca_file, **FAST)
    first, second = MongoClient(uri, **options), MongoClient(uri, **options)
    ping(first)
    ping(second)
    pid = os.fork()
    if pid == 0:  # the child builds its own client from the parent's options
        try:
            ping(MongoClient(uri, **options))
        except BaseException:
            os._exit(1)
        os._exit(0)
    deadline = time.monotonic() + 20
    while not (done := os.waitpid(pid, os.WNOHANG))[0] and time.monotonic() < deadline:
        time.sleep(0.05)
    if not done[0]:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert done[0], "the child did not finish"
    assert os.waitstatus_to_exitcode(done[1]) == 0


def test_mongoengine_calls_connect_as_a_mongo_client_class(
    mongo: MongoServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MongoEngine: mongo_client_class(host=[uri], port=27017, ...), MONGODB_URI set or not."""
    monkeypatch.setenv("MONGODB_URI", "mongodb://elsewhere.example.test/")
    ping(atlasconnect.connect(host=[mongo.uri()], port=27017, tlsCAFile=ca_file))


def test_a_host_name_and_a_port(mongo: MongoServer, ca_file: str) -> None:
    options: dict[str, Any] = {
        "username": mongo.username,
        "password": mongo.password,
        "tlsCAFile": ca_file,
    }
    ping(atlasconnect.connect("localhost", mongo.port, **options))
    ping(atlasconnect.connect(host=["localhost"], port=mongo.port, **options))
    ping(atlasconnect.connect(f"localhost:{mongo.port}", **options))


@pytest.mark.parametrize(
    ("seeds", "expected"),
    [
        ("db.example.test", {("db.example.test", 27017)}),
        (
            ["a.example.test", "b.example.test:1"],
            {("a.example.test", 27018), ("b.example.test", 1)},
        ),
        ("::1", {("::1", 27018)}),
        ("[::1]:5", {("::1", 5)}),
    ],
)
def test_host_names_become_the_seed_list(seeds: Any, expected: set[tuple[str, int]]) -> None:
    port = None if seeds == "db.example.test" else 27018
    client = atlasconnect.connect(host=seeds, port=port, connect=False)
    try:
        assert set(client.topology_description.server_descriptions()) == expected
    finally:
        client.close()


def test_a_port_with_a_uri_is_pymongos_default_port() -> None:
    client = atlasconnect.connect("mongodb://db.example.test/", 27019, connect=False)
    try:
        assert set(client.topology_description.server_descriptions()) == {
            ("db.example.test", 27019)
        }
    finally:
        client.close()


def test_the_connection_string_given_twice_is_refused() -> None:
    with pytest.raises(ConnectionStringError) as info:
        atlasconnect.connect("mongodb://a.example.test/", host="mongodb://b.example.test/")
    assert "given twice" in info.value.found
    assert "connect(host=uri)" in info.value.fix


def test_several_connection_strings_in_host_are_refused() -> None:
    with pytest.raises(ConnectionStringError) as info:
        atlasconnect.connect(host=["mongodb://a.example.test/", "mongodb://b.example.test/"])
    assert "2 connection strings among 2 entries" in info.value.found


def test_a_host_that_is_not_text_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        atlasconnect.connect(host=42)

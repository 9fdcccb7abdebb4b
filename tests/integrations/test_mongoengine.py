"""MongoEngine with ``mongo_client_class=atlasconnect.connect``, on the TLS + SCRAM loopback server.

MongoEngine calls ``mongo_client_class(host=[uri], port=27017, ...,
**kwargs)``: :func:`atlasconnect.connect` takes pymongo's ``host`` and
``port``, so it stands in for ``MongoClient`` as it is.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Any

import mongoengine
import pytest
import trustme
from conftest import PASSWORD
from mongoengine.connection import ConnectionFailure
from pymongo import MongoClient
from pymongo.errors import ServerSelectionTimeoutError
from servers import MongoServer, ProxiedUri, server_context

import atlasconnect

FAST_FAILURE: dict[str, Any] = {"serverSelectionTimeoutMS": 1000, "connectTimeoutMS": 1000}
ALIAS = "atlasconnect-tests"


class Greeting(mongoengine.Document):  # type: ignore[misc]
    text = mongoengine.StringField(max_length=20)
    meta = {"db_alias": ALIAS, "collection": "greetings"}  # noqa: RUF012


def connect_mongoengine(uri: str, **options: Any) -> MongoClient[Any]:
    """MongoEngine's connection, made by atlasconnect.

    ``options`` are :func:`atlasconnect.connect`'s keywords (``MongoClient``'s,
    ``min_tls_version`` and ``verify``), passed on by MongoEngine.
    """
    client: MongoClient[Any] = mongoengine.connect(
        host=uri,
        alias=ALIAS,
        mongo_client_class=atlasconnect.connect,
        min_tls_version=ssl.TLSVersion.TLSv1_3,
        uuidRepresentation="standard",
        **options,
    )
    return client


@pytest.fixture(autouse=True)
def _disconnect() -> Iterator[None]:
    yield
    mongoengine.disconnect(ALIAS)


def test_document_round_trip(mongo: MongoServer, ca_file: str) -> None:
    # The server speaks TLS only and mongo.uri() does not ask for it: atlasconnect switches it on.
    connect_mongoengine(mongo.uri(), tlsCAFile=ca_file)
    try:
        Greeting(text="hello atlas").save()
        found = Greeting.objects(text="hello atlas").first()
        assert found is not None
        assert found.text == "hello atlas"
    finally:
        Greeting.drop_collection()


def test_floor_refuses_a_tls_1_2_server(
    proxied_uri: ProxiedUri, leaf: trustme.LeafCert, ca_file: str
) -> None:
    uri = proxied_uri(server_context(leaf, maximum=ssl.TLSVersion.TLSv1_2))
    client = connect_mongoengine(uri, tlsCAFile=ca_file, **FAST_FAILURE)
    with pytest.raises(ServerSelectionTimeoutError) as caught:
        Greeting.objects.first()
    explained = atlasconnect.explain(caught.value, client)
    assert isinstance(explained, atlasconnect.TLSVersionRefusedError)


def test_untrusted_ca_explained_as_the_context_of_mongoengine_error(
    mongo: MongoServer, other_ca_file: str
) -> None:
    with pytest.raises(ConnectionFailure) as caught:
        connect_mongoengine(
            mongo.uri(),
            tlsCAFile=other_ca_file,
            verify=True,
            **FAST_FAILURE,
        )
    context = caught.value.__context__
    assert isinstance(context, atlasconnect.CertificateVerificationError)
    assert context.fix
    assert PASSWORD not in str(caught.value)


@pytest.mark.parametrize(
    ("uri_options", "options"),
    [({}, {"tlsInsecure": True}), ({"tlsInsecure": True}, {}), ({}, {"tls": False})],
    ids=["tlsInsecure-keyword", "tlsInsecure-in-uri", "tls-off"],
)
def test_insecure_options_refused(
    mongo: MongoServer, ca_file: str, uri_options: dict[str, Any], options: dict[str, Any]
) -> None:
    with pytest.raises(ConnectionFailure) as caught:
        connect_mongoengine(mongo.uri(tls=True, **uri_options), tlsCAFile=ca_file, **options)
    assert isinstance(caught.value.__context__, atlasconnect.InsecureConfigurationError)
    # MongoEngine's own client class takes the same settings without a word.
    plain = mongoengine.connect(
        host=mongo.uri(tls=True, **uri_options),
        alias="plain",
        uuidRepresentation="standard",
        **options,
    )
    plain.close()
    mongoengine.disconnect("plain")


@pytest.mark.parametrize("option", ["tlsInsecure=true", "tlsAllowInvalidHostnames=true"])
def test_a_host_ending_in_a_line_break_keeps_the_policy(
    mongo: MongoServer, ca_file: str, option: str
) -> None:
    """MongoEngine reads the host with pymongo's URI parser before it calls the client class,
    and that parser refuses the value with its line break (a bare ValueError): no client."""
    with pytest.raises((ValueError, ConnectionFailure)) as caught:
        connect_mongoengine(f"{mongo.uri(tls=True)}&{option}\n", tlsCAFile=ca_file)
    if isinstance(caught.value, ConnectionFailure):
        assert isinstance(caught.value.__context__, atlasconnect.InsecureConfigurationError)
    with pytest.raises(ConnectionFailure):
        mongoengine.get_connection(ALIAS)

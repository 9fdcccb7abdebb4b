"""The Django backend ``atlasconnect.django`` against the TLS + SCRAM loopback server.

Django is configured here, in the test module, with no database of its own:
each test adds its database under a fresh alias, because Django runs its
server version check once per alias and process, and django-mongodb-backend
keeps one client per alias for the whole process.
"""

from __future__ import annotations

import itertools
import ssl
from collections.abc import Callable, Iterator
from typing import Any

import django_setup
import pytest
import trustme
from conftest import PASSWORD, USERNAME
from django.db import DatabaseError, connections, models
from servers import MongoServer, ProxiedUri, server_context

import atlasconnect

django_setup.configure()

FAST_FAILURE: dict[str, Any] = {"serverSelectionTimeoutMS": 1000, "connectTimeoutMS": 1000}
TLS_1_3 = ssl.TLSVersion.TLSv1_3


class Greeting(models.Model):  # type: ignore[misc]
    text = models.CharField(max_length=20)

    class Meta:
        app_label = "atlasconnect_tests"


def atlas_database(uri: str, ca_file: str) -> dict[str, Any]:
    """A ``DATABASES`` entry for a database behind atlasconnect.

    ``OPTIONS`` are :func:`atlasconnect.connect`'s keywords: ``MongoClient``'s,
    plus ``min_tls_version`` and ``verify``.
    """
    return {
        "ENGINE": "atlasconnect.django",
        "HOST": uri,  # empty: the MONGODB_URI environment variable
        "NAME": "shop",
        "OPTIONS": {
            # Only for a private CA: certifi's bundle is the default.
            "tlsCAFile": ca_file,
            "min_tls_version": ssl.TLSVersion.TLSv1_3,
        },
    }


Database = Callable[[dict[str, Any]], Any]
_aliases = itertools.count()


@pytest.fixture
def database() -> Iterator[Database]:
    """``database(settings_dict)``: Django's connection for it, under a new alias."""
    aliases: list[str] = []
    made: list[Any] = []

    def add(settings_dict: dict[str, Any]) -> Any:
        alias = f"atlas{next(_aliases)}"
        aliases.append(alias)
        # configure_settings() fills in Django's defaults; it wants a "default" entry.
        connections.settings[alias] = connections.configure_settings({"default": settings_dict})[
            "default"
        ]
        made.append(connections[alias])
        return made[-1]

    yield add
    for connection in made:
        connection.close_pool()
        del connections[connection.alias]
    for alias in aliases:
        del connections.settings[alias]


def fast_failing(settings_dict: dict[str, Any], **options: Any) -> dict[str, Any]:
    return {**settings_dict, "OPTIONS": {**settings_dict["OPTIONS"], **FAST_FAILURE, **options}}


def test_model_round_trip(database: Database, mongo: MongoServer, ca_file: str) -> None:
    # The server speaks TLS only and mongo.uri() does not ask for it: atlasconnect switches it on.
    assert_model_round_trip(database(atlas_database(mongo.uri(), ca_file)))


def assert_model_round_trip(connection: Any) -> None:
    """A Greeting saved and read back through ``connection``; its collection dropped after."""
    greetings = Greeting.objects.using(connection.alias)
    try:
        created = greetings.create(text="hello atlas")
        assert greetings.get(pk=created.pk).text == "hello atlas"
    finally:
        connection.get_collection(Greeting._meta.db_table).drop()


def test_raw_round_trip_with_django_user_password_and_port(
    database: Database, mongo: MongoServer, ca_file: str
) -> None:
    connection = database(
        {
            "ENGINE": "atlasconnect.django",
            "HOST": "localhost",
            "PORT": str(mongo.port),
            "USER": USERNAME,
            "PASSWORD": PASSWORD,
            "NAME": "shop",
            "OPTIONS": {"tlsCAFile": ca_file, "authSource": "admin"},
        }
    )
    collection = connection.database["raw"]
    try:
        collection.insert_one({"_id": 1, "hello": "atlas"})
        assert collection.find_one({"_id": 1}) == {"_id": 1, "hello": "atlas"}
    finally:
        collection.drop()


def test_empty_host_is_mongodb_uri(
    database: Database, mongo: MongoServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONGODB_URI", mongo.uri())
    connection = database(atlas_database("", ca_file))
    assert connection.database.command("ping")["ok"] == 1


@pytest.mark.parametrize(
    "options",
    [
        {"tlsInsecure": True},
        {"tls": False},
        {"ssl": False},
        {"tlsAllowInvalidCertificates": True},
        {"min_tls_version": ssl.TLSVersion.TLSv1},
    ],
    ids=["tlsInsecure", "tls-off", "ssl-off", "invalid-certificates", "floor-TLS-1.0"],
)
def test_insecure_options_refused_when_django_makes_the_connection(
    database: Database, mongo: MongoServer, ca_file: str, options: dict[str, Any]
) -> None:
    settings_dict = atlas_database(mongo.uri(), ca_file)
    settings_dict["OPTIONS"].update(options)
    with pytest.raises(atlasconnect.InsecureConfigurationError) as caught:
        database(settings_dict)
    assert caught.value.fix
    # django-mongodb-backend itself accepts them and connects without a word.
    stock = database({**settings_dict, "ENGINE": "django_mongodb_backend"})
    assert stock.settings_dict["OPTIONS"] == settings_dict["OPTIONS"]


def test_insecure_option_in_the_host_uri_refused(
    database: Database, mongo: MongoServer, ca_file: str
) -> None:
    with pytest.raises(atlasconnect.InsecureConfigurationError, match="tlsInsecure"):
        database(atlas_database(mongo.uri(tls=True, tlsInsecure=True), ca_file))


@pytest.mark.parametrize("option", ["tlsInsecure=true", "tlsAllowInvalidHostnames=true"])
def test_a_host_uri_ending_in_a_line_break_keeps_the_policy(
    database: Database, mongo: MongoServer, ca_file: str, option: str
) -> None:
    """A HOST read from a .env file or a secret made with echo ends in a line break."""
    with pytest.raises(atlasconnect.InsecureConfigurationError, match=option):
        database(atlas_database(f"{mongo.uri(tls=True)}&{option}\n", ca_file))
    connection = database(atlas_database(mongo.uri() + "\n", ca_file))
    assert connection.database.command("ping")["ok"] == 1


def tls_1_2_only_uri(proxied_uri: ProxiedUri, leaf: trustme.LeafCert) -> str:
    return proxied_uri(server_context(leaf, maximum=ssl.TLSVersion.TLSv1_2))


def test_floor_refuses_a_tls_1_2_server_as_the_cause_of_django_error(
    database: Database, proxied_uri: ProxiedUri, leaf: trustme.LeafCert, ca_file: str
) -> None:
    uri = tls_1_2_only_uri(proxied_uri, leaf)
    connection = database(fast_failing(atlas_database(uri, ca_file)))
    with pytest.raises(DatabaseError) as caught:
        Greeting.objects.using(connection.alias).create(text="never stored")
    cause = caught.value.__cause__
    assert isinstance(cause, atlasconnect.TLSVersionRefusedError)
    assert "TLS 1.3" in str(cause)
    assert cause.__context__ is None


def test_floor_refuses_when_django_connects(
    database: Database, proxied_uri: ProxiedUri, leaf: trustme.LeafCert, ca_file: str
) -> None:
    uri = tls_1_2_only_uri(proxied_uri, leaf)
    connection = database(fast_failing(atlas_database(uri, ca_file)))
    with pytest.raises(atlasconnect.TLSVersionRefusedError):
        connection.ensure_connection()


def test_untrusted_ca_refused(database: Database, mongo: MongoServer, other_ca_file: str) -> None:
    connection = database(fast_failing(atlas_database(mongo.uri(), other_ca_file)))
    with pytest.raises(DatabaseError) as caught:
        Greeting.objects.using(connection.alias).count()
    assert isinstance(caught.value.__cause__, atlasconnect.CertificateVerificationError)


def test_verify_option_raises_the_typed_error_before_django_has_a_client(
    database: Database, mongo: MongoServer, other_ca_file: str
) -> None:
    connection = database(fast_failing(atlas_database(mongo.uri(), other_ca_file), verify=True))
    with pytest.raises(atlasconnect.CertificateVerificationError) as caught:
        connection.ensure_connection()
    assert connection.connection is None
    assert PASSWORD not in str(caught.value)


def test_system_ca_is_an_option(
    database: Database, mongo: MongoServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CA is only in this machine's (OpenSSL's) default store, not in certifi's bundle."""
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    monkeypatch.setenv("SSL_CERT_DIR", ca_file + ".no-such-directory")
    settings_dict = atlas_database(mongo.uri(), ca_file)
    del settings_dict["OPTIONS"]["tlsCAFile"]
    settings_dict["OPTIONS"]["system_ca"] = True
    assert_model_round_trip(database(settings_dict))

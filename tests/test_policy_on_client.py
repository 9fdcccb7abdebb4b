"""The TLS policy holds on the client pymongo built, whatever spelling reached pymongo.

atlasconnect reads the connection string to refuse insecure options early, with
the words the caller wrote; but the guarantee is read back from what pymongo
built (the client's TLS context and pymongo's own reading of every option), so
that a difference between the two readers cannot switch verification off.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import pymongo
import pytest
import trustme
from pymongo.errors import ConfigurationError, PyMongoError
from servers import MongoServer, ProxiedUri, server_context

import atlasconnect
from atlasconnect import (
    AtlasConnectError,
    CertificateVerificationError,
    InsecureConfigurationError,
    MissingDependencyError,
    _pymongo_internals,
)
from atlasconnect import _tls as tls

INSECURE_OPTIONS = [
    "tlsInsecure=true",
    "tlsAllowInvalidCertificates=true",
    "tlsAllowInvalidHostnames=true",
    "tlsDisableOCSPEndpointCheck=true",
]
# What a .env file, `echo "$URI" > secret`, a Windows editor or a copy leaves around a string.
SURROUNDINGS = ["\n", "\r\n", " ", "\t", "\n\n", " \n"]


def assert_verifies(client: Any) -> None:
    """The client's own TLS context checks certificates and host names."""
    context = client.options.pool_options._ssl_context
    assert context is not None
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert client.options.pool_options.tls_allow_invalid_hostnames is False


@pytest.mark.parametrize("tail", SURROUNDINGS)
@pytest.mark.parametrize("option", INSECURE_OPTIONS)
def test_an_insecure_option_before_trailing_whitespace_is_refused(
    mongo: MongoServer, option: str, tail: str
) -> None:
    # mongo's certificate is signed by a CA certifi does not hold: a verifying
    # client cannot reach it; a client without verification would.
    uri = mongo.uri("localhost", tls=True) + f"&{option}{tail}"
    with pytest.raises(InsecureConfigurationError) as info:
        atlasconnect.connect(uri, verify=True, serverSelectionTimeoutMS=2000)
    assert option in str(info.value)
    assert mongo.password not in str(info.value)


@pytest.mark.parametrize("tail", SURROUNDINGS)
@pytest.mark.parametrize("option", INSECURE_OPTIONS)
def test_the_only_option_before_trailing_whitespace_is_refused(
    mongo: MongoServer, option: str, tail: str
) -> None:
    """pymongo splits a query of one option on whitespace: "tlsInsecure=true\\n" is true there."""
    uri = f"mongodb://localhost:{mongo.port}/?{option}{tail}"
    with pytest.raises(InsecureConfigurationError):
        atlasconnect.connect(uri, tls=True, verify=True, serverSelectionTimeoutMS=2000)


@pytest.mark.parametrize("option", INSECURE_OPTIONS)
def test_mongodb_uri_from_the_environment_with_a_newline(
    mongo: MongoServer, option: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONGODB_URI", f"mongodb://localhost:{mongo.port}/?tls=true&{option}\n")
    with pytest.raises(InsecureConfigurationError):
        atlasconnect.connect(verify=True, serverSelectionTimeoutMS=2000)


@pytest.mark.parametrize("option", INSECURE_OPTIONS)
def test_client_options_with_a_newline(option: str) -> None:
    with pytest.raises(InsecureConfigurationError):
        atlasconnect.client_options(f"mongodb://db.example.test/?tls=true&{option}\n")


@pytest.mark.parametrize("option", INSECURE_OPTIONS)
def test_connect_async_with_a_newline(option: str) -> None:
    async def connect() -> None:
        await atlasconnect.connect_async(f"mongodb://db.example.test/?tls=true&{option}\n")

    with pytest.raises(InsecureConfigurationError):
        asyncio.run(connect())


def test_a_client_atlasconnect_returns_for_a_string_with_a_newline_verifies(
    mongo: MongoServer,
) -> None:
    """The newline is not part of the string: the client is made, and it verifies."""
    client = atlasconnect.connect(mongo.uri("localhost", tls=True) + "\n", connect=False)
    try:
        assert_verifies(client)
    finally:
        client.close()
    with pytest.raises(CertificateVerificationError):
        atlasconnect.connect(
            mongo.uri("localhost", tls=True) + "\n", verify=True, serverSelectionTimeoutMS=2000
        )


@pytest.fixture
def own_reading_blind(monkeypatch: pytest.MonkeyPatch) -> None:
    """atlasconnect's own reading of the options finds nothing insecure, as a reader that
    disagrees with pymongo's would: only the check on what pymongo built remains."""
    monkeypatch.setattr(tls, "insecure_settings", lambda uri_options, keywords: [])


@pytest.mark.usefixtures("own_reading_blind")
@pytest.mark.parametrize(
    ("query", "read_as"),
    [
        ("tlsInsecure=true", "tlsInsecure"),
        ("tlsAllowInvalidCertificates=true", "tlsAllowInvalidCertificates"),
        ("tlsAllowInvalidHostnames=true", "tlsAllowInvalidHostnames"),
        ("tlsDisableOCSPEndpointCheck=true", "tlsDisableOCSPEndpointCheck"),
    ],
)
def test_what_pymongo_built_decides(mongo: MongoServer, query: str, read_as: str) -> None:
    uri = mongo.uri("localhost", tls=True) + "&" + query
    with pytest.raises(InsecureConfigurationError) as info:
        atlasconnect.connect(uri, verify=True, serverSelectionTimeoutMS=2000)
    error = info.value
    assert isinstance(error, ConfigurationError)
    assert read_as.lower() in error.found.lower()
    assert f"'{query}'" in error.found  # as written
    assert "the connection string" in error.found
    assert mongo.password not in str(error)


@pytest.mark.usefixtures("own_reading_blind")
def test_what_pymongo_built_decides_for_keywords_and_async() -> None:
    async def connect() -> None:
        await atlasconnect.connect_async("mongodb://db.example.test/", tlsInsecure=True)

    with pytest.raises(InsecureConfigurationError) as info:
        asyncio.run(connect())
    assert "tlsInsecure=True" in info.value.found
    assert "keywords" in info.value.found


@pytest.mark.usefixtures("own_reading_blind")
def test_what_pymongo_built_decides_for_client_options() -> None:
    with pytest.raises(InsecureConfigurationError):
        atlasconnect.client_options("mongodb://db.example.test/?tls=true&tlsInsecure=true")


@pytest.mark.usefixtures("own_reading_blind")
def test_tls_switched_off_is_refused_by_pymongo_for_atlasconnect_s_ca_file() -> None:
    """pymongo itself refuses tls=False beside the CA file atlasconnect always passes."""
    with pytest.raises(AtlasConnectError) as info:
        atlasconnect.connect("mongodb://db.example.test/", connect=False, tls=False)
    assert "TLS has not been enabled" in info.value.found


def test_a_client_without_a_tls_context_is_refused_with_the_switch_as_written() -> None:
    written = tls.Written.of([("appName", "shop"), ("TLS", "False ")], {})
    with pytest.raises(InsecureConfigurationError) as info:
        tls.refuse_tls_off({"tls": False}, None, written)
    assert "'TLS=False ' (with a space (U+0020) in it) in the connection string" in info.value.found
    assert "without TLS" in info.value.found
    assert info.value.setting == "TLS=False "
    tls.refuse_tls_off({"tls": True}, object(), written)


@pytest.mark.parametrize(
    ("verify_mode", "check_hostname"),
    [(ssl.CERT_NONE, False), (ssl.CERT_OPTIONAL, True), (ssl.CERT_REQUIRED, False), (None, None)],
)
def test_a_context_that_does_not_verify_is_refused(verify_mode: Any, check_hostname: Any) -> None:
    class Context:
        pass

    context = Context()
    if verify_mode is not None:
        context.verify_mode = verify_mode  # type: ignore[attr-defined]
        context.check_hostname = check_hostname  # type: ignore[attr-defined]
    with pytest.raises(InsecureConfigurationError, match="does not verify"):
        tls.refuse_unverifying_context(context)


@pytest.mark.parametrize(
    "keywords",
    [
        {"tlsInsecure": True},
        {"tlsAllowInvalidCertificates": True},
        {"tlsAllowInvalidHostnames": True},
        {"tlsDisableOCSPEndpointCheck": True},
    ],
)
def test_a_client_made_from_client_options_cannot_drop_verification_later(
    keywords: dict[str, Any],
) -> None:
    """A framework that adds an option to the keywords it was given still gets no such client:
    pymongo builds no context for atlasconnect's CA file that does not verify."""
    uri, options = atlasconnect.client_options("mongodb://db.example.test/")
    with pytest.raises(InsecureConfigurationError) as info:
        pymongo.MongoClient(uri, **options, **keywords, connect=False)
    assert isinstance(info.value, PyMongoError)


def test_the_ca_file_pymongo_uses_is_the_one_atlasconnect_chose(
    monkeypatch: pytest.MonkeyPatch, ca_file: str
) -> None:
    """A CA file swapped on the way to pymongo (a wrapper, a changed reader) is refused."""
    original = _pymongo_internals.FlooredCAFile

    def other_file(path: str, *policy: Any, **trust: Any) -> Any:
        return original(ca_file, *policy, **trust)

    monkeypatch.setattr("atlasconnect._plan.FlooredCAFile", other_file)
    with pytest.raises(InsecureConfigurationError) as info:
        atlasconnect.connect("mongodb://db.example.test/", connect=False)
    assert ca_file in info.value.found


def test_a_client_whose_tls_settings_cannot_be_read_is_refused_and_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fail closed: a pymongo that moved what atlasconnect reads back gets no client."""
    closed: list[object] = []
    real_close = pymongo.MongoClient.close

    def close(self: Any) -> None:
        closed.append(self)
        real_close(self)

    monkeypatch.setattr(pymongo.MongoClient, "close", close)
    monkeypatch.setattr(pymongo.pool_options.PoolOptions, "_ssl_context", None, raising=False)
    monkeypatch.delattr(pymongo.pool_options.PoolOptions, "_ssl_context")
    with pytest.raises(MissingDependencyError) as info:
        atlasconnect.connect("mongodb://db.example.test/", connect=False)
    assert "_ssl_context" in info.value.found
    assert closed


def test_host_names_unchecked_by_a_trusted_ca_are_refused(
    proxied_uri: ProxiedUri, ca: trustme.CA, ca_file: str
) -> None:
    """tlsAllowInvalidHostnames with a trusted CA: the one case where only host names differ."""
    elsewhere = server_context(ca.issue_cert("elsewhere.example.org"))
    uri = proxied_uri(elsewhere, tls=True, tlsCAFile=ca_file)
    with pytest.raises(AtlasConnectError) as info:
        atlasconnect.connect(
            uri + "&tlsAllowInvalidHostnames=true\r\n", verify=True, serverSelectionTimeoutMS=2000
        )
    assert isinstance(info.value, InsecureConfigurationError)

"""inject_into_pymongo(): every pymongo client of the process planned as connect() plans its own.

Injection is process-wide: every test here extracts it again (the ``injected``
fixture), and `atlasconnect run` is tested in fresh processes.
"""

from __future__ import annotations

import asyncio
import functools
import pickle
import ssl
import types
from typing import Any

import pytest
import trustme
from pymongo import AsyncMongoClient, MongoClient
from pymongo.errors import ConfigurationError, ServerSelectionTimeoutError
from servers import MongoServer, ProxiedUri, server_context
from shown import shown

import atlasconnect
from atlasconnect import CertificateVerificationError, InsecureConfigurationError
from atlasconnect import _pymongo_internals as internals
from atlasconnect._diagnosis import UNKNOWN_CLIENT
from atlasconnect._diagnosis._profile import profile_of
from atlasconnect._injection import is_injected

FAST: dict[str, Any] = {"serverSelectionTimeoutMS": 3000, "connectTimeoutMS": 3000}
TLS_1_3 = ssl.TLSVersion.TLSv1_3


def ping(client: Any) -> None:
    try:
        assert client.admin.command("ping")["ok"] == 1
    finally:
        client.close()


@pytest.mark.usefixtures("injected")
def test_a_plain_client_gets_the_policy_and_stays_pymongos(
    mongo: MongoServer, ca_file: str
) -> None:
    client: MongoClient[Any] = MongoClient(mongo.uri(), tlsCAFile=ca_file)  # no tls=true
    assert type(client) is MongoClient
    assert internals.tls_in_use(client).context is not None  # TLS switched on
    assert profile_of(client) is not UNKNOWN_CLIENT  # explain() knows it
    ping(client)


@pytest.mark.usefixtures("injected")
def test_positional_arguments_are_bound_as_pymongo_binds_them(
    mongo: MongoServer, ca_file: str
) -> None:
    client: MongoClient[Any] = MongoClient(
        "localhost",
        mongo.port,
        dict,
        True,
        False,
        None,
        tlsCAFile=ca_file,
        username=mongo.username,
        password=mongo.password,
        authSource="admin",
    )
    assert client.codec_options.tz_aware is True
    ping(client)


@pytest.mark.usefixtures("injected")
def test_an_insecure_option_is_refused_as_the_pymongo_error_it_also_is() -> None:
    with pytest.raises(ConfigurationError) as info:
        MongoClient("mongodb://db.example.test/?tlsInsecure=true", connect=False)
    error = info.value
    assert isinstance(error, InsecureConfigurationError)
    assert "The client was made by test_injection." in error.found
    assert error.__cause__ is None
    assert pickle.loads(pickle.dumps(error)).found == error.found  # noqa: S301


@pytest.mark.usefixtures("injected")
def test_an_untrusted_server_is_refused_and_explained(mongo: MongoServer) -> None:
    client: MongoClient[Any] = MongoClient(mongo.uri(), **FAST)  # certifi's bundle only
    with pytest.raises(ServerSelectionTimeoutError) as info:
        client.admin.command("ping")
    explained = atlasconnect.explain(info.value, client)
    client.close()
    assert isinstance(explained, CertificateVerificationError)


def test_the_injected_floor_is_a_process_minimum(
    proxied_uri: ProxiedUri, leaf: trustme.LeafCert, ca_file: str
) -> None:
    uri = proxied_uri(server_context(leaf, maximum=ssl.TLSVersion.TLSv1_2))
    atlasconnect.inject_into_pymongo(min_tls_version=TLS_1_3)
    try:
        with pytest.raises(atlasconnect.TLSVersionRefusedError):
            atlasconnect.connect(
                uri,
                tlsCAFile=ca_file,
                min_tls_version=ssl.TLSVersion.TLSv1_2,
                verify=True,
                **FAST,
            )
        plain: MongoClient[Any] = MongoClient(uri, tlsCAFile=ca_file, **FAST)
        with pytest.raises(ServerSelectionTimeoutError, match=r"(?i)protocol version"):
            plain.admin.command("ping")
        plain.close()
    finally:
        atlasconnect.extract_from_pymongo()
    ping(atlasconnect.connect(uri, tlsCAFile=ca_file, **FAST))  # TLS 1.2 is fine again


@pytest.mark.usefixtures("injected")
def test_connect_after_injection_plans_once(mongo: MongoServer, ca_file: str) -> None:
    client = atlasconnect.connect(mongo.uri(), tlsCAFile=ca_file)
    watchers = [
        listener for listener in client.options.event_listeners if hasattr(listener, "profile")
    ]
    assert len(watchers) == 1
    ping(client)


@pytest.mark.usefixtures("injected")
def test_the_async_client_gets_it_too(mongo: MongoServer, ca_file: str) -> None:
    with pytest.raises(InsecureConfigurationError):
        AsyncMongoClient("mongodb://db.example.test/", tlsAllowInvalidCertificates=True)

    async def main() -> None:
        client: AsyncMongoClient[Any] = AsyncMongoClient(mongo.uri(), tlsCAFile=ca_file)
        assert (await client.admin.command("ping"))["ok"] == 1
        await client.close()

    asyncio.run(main())


def test_extract_brings_back_plain_pymongo_and_both_are_idempotent() -> None:
    pristine = MongoClient.__dict__["__init__"]
    atlasconnect.inject_into_pymongo()
    atlasconnect.inject_into_pymongo()
    atlasconnect.extract_from_pymongo()
    atlasconnect.extract_from_pymongo()
    assert MongoClient.__dict__["__init__"] is pristine
    client: MongoClient[Any] = MongoClient(
        "mongodb://db.example.test/?tlsInsecure=true", connect=False
    )
    # pymongo's own reading: accepted, and no TLS added.
    assert internals.tls_in_use(client).context is None
    assert profile_of(client) is UNKNOWN_CLIENT
    client.close()


def another_instrumenter(init: Any, calls: list[str]) -> Any:
    """A wrapper such as ddtrace's or OpenTelemetry's."""

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        calls.append("other")
        init(self, *args, **kwargs)

    return __init__


def test_another_instrumenter_before_or_after_keeps_both_layers() -> None:
    pristine = MongoClient.__dict__["__init__"]
    calls: list[str] = []
    MongoClient.__init__ = another_instrumenter(pristine, calls)  # type: ignore[method-assign]
    theirs = MongoClient.__dict__["__init__"]
    try:
        # Theirs first, then atlasconnect: extracting gives theirs back.
        atlasconnect.inject_into_pymongo()
        with pytest.raises(InsecureConfigurationError):
            MongoClient("mongodb://db.example.test/?tlsInsecure=true", connect=False)
        atlasconnect.extract_from_pymongo()
        assert MongoClient.__dict__["__init__"] is theirs
        # atlasconnect first, then theirs on top: extracting leaves ours inert beneath.
        MongoClient.__init__ = pristine  # type: ignore[method-assign]
        atlasconnect.inject_into_pymongo()
        MongoClient.__init__ = another_instrumenter(  # type: ignore[method-assign]
            MongoClient.__dict__["__init__"], calls
        )
        with pytest.raises(InsecureConfigurationError):
            MongoClient("mongodb://db.example.test/?tlsInsecure=true", connect=False)
        atlasconnect.extract_from_pymongo()
        MongoClient("mongodb://db.example.test/?tlsInsecure=true", connect=False).close()
        atlasconnect.inject_into_pymongo()  # our inert layer is found again, not doubled
        with pytest.raises(InsecureConfigurationError):
            MongoClient("mongodb://db.example.test/?tlsInsecure=true", connect=False)
    finally:
        atlasconnect.extract_from_pymongo()
        MongoClient.__init__ = pristine  # type: ignore[method-assign]
    assert calls


@pytest.mark.usefixtures("injected")
def test_pymongos_mongocryptd_client_is_exempt() -> None:
    """Automatic encryption's client to the local mongocryptd: no TLS, by design."""

    def mongocryptd_client() -> MongoClient[Any]:
        return MongoClient(
            "mongodb://localhost:27020", connect=False, serverSelectionTimeoutMS=10000
        )

    def made_in(module: str) -> MongoClient[Any]:
        namespace = {"__name__": module, "MongoClient": MongoClient, "Any": Any}
        made: Any = types.FunctionType(mongocryptd_client.__code__, namespace)
        return made()  # type: ignore[no-any-return]

    client = made_in("pymongo.synchronous.encryption")
    assert internals.tls_in_use(client).context is None
    client.close()
    client = made_in("somebody.else")
    assert internals.tls_in_use(client).context is not None
    client.close()


def test_a_bad_floor_in_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLASCONNECT_MIN_TLS_VERSION", "1.0")
    with pytest.raises(atlasconnect.ConnectionStringError, match="ATLASCONNECT_MIN_TLS_VERSION"):
        atlasconnect.inject_into_pymongo()
    assert not is_injected()


@pytest.mark.usefixtures("injected")
def test_no_secret_in_anything_printed_of_a_refusal() -> None:
    secret = "s3cret-Pa55"
    with pytest.raises(InsecureConfigurationError) as info:
        MongoClient(
            f"mongodb://app:{secret}@db.example.test/?tlsInsecure=true",
            connect=False,
            tlsCertificateKeyFilePassword=secret,
        )
    assert secret not in shown(info.value)


@pytest.mark.skipif(internals.uses_pyopenssl(), reason="system_ca needs the stdlib backend")
def test_the_injected_settings_reach_every_client(
    mongo: MongoServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """system_ca given once: a plain client trusts a CA only the (test) system store holds."""
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    monkeypatch.setenv("SSL_CERT_DIR", ca_file + ".no-such-directory")
    atlasconnect.inject_into_pymongo(system_ca=True)
    try:
        ping(MongoClient(mongo.uri(), **FAST))
    finally:
        atlasconnect.extract_from_pymongo()

"""The private pymongo hook behind the TLS floor: present on this pymongo, or refused loudly.

tox runs this file on the oldest (``-e oldest``) and newest supported pymongo,
and with the pyOpenSSL backend (``-e ocsp``).
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import ssl
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import certifi
import pymongo
import pymongo.client_options
import pymongo.ssl_support
import pymongo.uri_parser
import pytest
import trustme
from hypothesis import given
from hypothesis import strategies as st
from servers import ProxiedUri, server_context

import atlasconnect
from atlasconnect import MissingDependencyError, TLSVersionRefusedError, _pymongo_internals
from atlasconnect import _client_hello as client_hello
from atlasconnect._pymongo_internals import FlooredCAFile

URI = "mongodb://db.example.test/"
TLS_1_3 = ssl.TLSVersion.TLSv1_3


@pytest.fixture
def fresh_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget the installed hook, so the next connect() wraps and proves pymongo's again."""
    monkeypatch.setattr(_pymongo_internals, "_installed_hook", None)


def current_hook() -> Any:
    return getattr(pymongo.client_options, "get_ssl_context")  # noqa: B009 - not exported


def test_hook_in_place_is_kept_and_applies_to_floored_paths_only() -> None:
    _pymongo_internals.check_tls_floor_hook(certifi.where())
    hook = current_hook()
    _pymongo_internals.check_tls_floor_hook(certifi.where())
    assert current_hook() is hook

    parse = pymongo.client_options._parse_ssl_options
    floored, _ = parse(
        {"tls": True, "tlscafile": FlooredCAFile(certifi.where(), ssl.TLSVersion.TLSv1_3)}, False
    )
    plain, _ = parse({"tls": True, "tlscafile": certifi.where()}, False)
    assert isinstance(floored, ssl.SSLContext)
    assert isinstance(plain, ssl.SSLContext)
    assert floored.minimum_version == ssl.TLSVersion.TLSv1_3
    assert plain.minimum_version == ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).minimum_version


def test_floor_never_lowers_the_platform_minimum() -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    platform_minimum = context.minimum_version
    _pymongo_internals.enforce_floor(context, ssl.TLSVersion.TLSv1_1)
    assert context.minimum_version == max(platform_minimum, ssl.TLSVersion.TLSv1_1)


def test_missing_hook_fails_closed(monkeypatch: pytest.MonkeyPatch, fresh_hook: None) -> None:
    monkeypatch.delattr(pymongo.client_options, "get_ssl_context")
    with pytest.raises(MissingDependencyError) as info:
        atlasconnect.connect(URI, connect=False, tlsCAFile=certifi.where())
    assert info.value.package == "pymongo"
    assert "get_ssl_context" in info.value.found
    assert "pymongo>=4.13,<5" in info.value.fix


def test_hook_that_pymongo_no_longer_calls_fails_closed(
    monkeypatch: pytest.MonkeyPatch, fresh_hook: None
) -> None:
    def builds_its_own_context(options: Any, is_sync: bool) -> tuple[ssl.SSLContext, bool]:
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), False

    monkeypatch.setattr(pymongo.client_options, "_parse_ssl_options", builds_its_own_context)
    with pytest.raises(MissingDependencyError, match="get_ssl_context"):
        atlasconnect.check_environment()


@pytest.mark.parametrize("factory", ["connect", "connect_async"])
def test_a_client_whose_context_misses_the_floor_is_refused(
    monkeypatch: pytest.MonkeyPatch, factory: str
) -> None:
    """connect() proves the floor on the client's own context: a bypassed hook is caught."""

    def builds_its_own_context(options: Any, is_sync: bool) -> tuple[ssl.SSLContext, bool]:
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), False

    def make_client() -> object:
        if factory == "connect":
            return atlasconnect.connect(URI, connect=False, min_tls_version=TLS_1_3)
        return asyncio.run(atlasconnect.connect_async(URI, min_tls_version=TLS_1_3))

    monkeypatch.setattr(pymongo.client_options, "_parse_ssl_options", builds_its_own_context)
    with pytest.raises(MissingDependencyError, match="get_ssl_context"):
        make_client()


def test_a_fresh_process_reads_the_ca_bundle_once_beyond_pymongo() -> None:
    """Serverless cold starts: the plan parses the CA file no more than pymongo does itself."""
    code = (
        "import ssl, sys\n"
        "loads = []\n"
        "def count(frame, event, arg):\n"
        "    if event == 'c_call' and getattr(arg, '__name__', '') == 'load_verify_locations':\n"
        "        loads.append(1)\n"
        "import atlasconnect, pymongo.ssl_support\n"
        "sys.setprofile(count)\n"
        f"atlasconnect.connect({URI!r}, connect=False).close()\n"
        "sys.setprofile(None)\n"
        "print(len(loads), int(pymongo.ssl_support.HAVE_PYSSL))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    stdlib_loads, pyopenssl = map(int, result.stdout.split())
    pymongos_own = 0 if pyopenssl else 1  # the sync client loads it through pyOpenSSL there
    assert stdlib_loads == pymongos_own, "atlasconnect loaded the CA bundle itself"


def test_context_without_a_settable_floor_fails_closed() -> None:
    with pytest.raises(MissingDependencyError, match="settable minimum TLS version"):
        _pymongo_internals.enforce_floor(object(), ssl.TLSVersion.TLSv1_2)


@pytest.fixture
def tls_1_2_uri(proxied_uri: ProxiedUri, leaf: trustme.LeafCert) -> str:
    return proxied_uri(
        server_context(leaf, maximum=ssl.TLSVersion.TLSv1_2),
        serverSelectionTimeoutMS=1000,
        connectTimeoutMS=1000,
    )


def lowering_wrapper(hook: Any) -> Any:
    """Another library's wrapper: it copies the hook's attributes and lowers the floor."""

    @functools.wraps(hook)
    def get_ssl_context(*args: Any, **kwargs: Any) -> Any:
        context = hook(*args, **kwargs)
        if isinstance(context, ssl.SSLContext):
            context.minimum_version = ssl.TLSVersion.TLSv1_2
        else:  # pymongo's pyOpenSSL wrapper
            context._ctx.set_min_proto_version(ssl.TLSVersion.TLSv1_2)
        return context

    return get_ssl_context


@pytest.mark.parametrize("replacement", ["reloaded", "wrapped"])
def test_floor_holds_after_the_hook_is_replaced(
    monkeypatch: pytest.MonkeyPatch, tls_1_2_uri: str, ca_file: str, replacement: str
) -> None:
    atlasconnect.connect(tls_1_2_uri, tlsCAFile=ca_file).close()
    hook = current_hook()
    if replacement == "reloaded":
        unwrapped = pymongo.ssl_support.get_ssl_context
        monkeypatch.setattr(pymongo.client_options, "get_ssl_context", unwrapped)
    else:
        monkeypatch.setattr(pymongo.client_options, "get_ssl_context", lowering_wrapper(hook))
    with pytest.raises(TLSVersionRefusedError):
        atlasconnect.connect(tls_1_2_uri, tlsCAFile=ca_file, min_tls_version=TLS_1_3, verify=True)


@pytest.mark.parametrize("floor", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_offered_versions_read_from_a_client_hello(floor: ssl.TLSVersion) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = floor
    outgoing = ssl.MemoryBIO()
    connection = context.wrap_bio(ssl.MemoryBIO(), outgoing, server_hostname="localhost")
    with pytest.raises(ssl.SSLWantReadError):
        connection.do_handshake()
    offered = client_hello.offered_versions(outgoing.read())
    assert min(offered) == floor
    assert max(offered) == ssl.TLSVersion.TLSv1_3


@given(st.binary(max_size=300))
def test_a_garbled_client_hello_proves_no_floor(hello: bytes) -> None:
    offered = client_hello.offered_versions(hello)
    assert all(0 <= version <= 0xFFFF for version in offered)


@pytest.mark.skipif(not pymongo.ssl_support.HAVE_PYSSL, reason="needs pymongo[ocsp]")
def test_floor_is_proven_on_the_pyopenssl_backend(
    monkeypatch: pytest.MonkeyPatch, fresh_hook: None
) -> None:
    parse = pymongo.client_options._parse_ssl_options
    probe = FlooredCAFile(certifi.where(), TLS_1_3)
    _pymongo_internals.check_tls_floor_hook(certifi.where())
    sync_context, _ = parse({"tls": True, "tlscafile": probe}, True)
    assert not isinstance(sync_context, ssl.SSLContext)
    assert _pymongo_internals.lowest_offered_version(sync_context) == TLS_1_3

    stdlib_only = _pymongo_internals.enforce_floor

    def floors_stdlib_contexts_only(context: object, floor: ssl.TLSVersion) -> None:
        if isinstance(context, ssl.SSLContext):
            stdlib_only(context, floor)

    monkeypatch.setattr(_pymongo_internals, "enforce_floor", floors_stdlib_contexts_only)
    monkeypatch.setattr(_pymongo_internals, "_installed_hook", None)
    with pytest.raises(MissingDependencyError, match="pyopenssl_context"):
        _pymongo_internals.check_tls_floor_hook(certifi.where())


@pytest.mark.parametrize(
    ("uri", "keywords", "login"),
    [
        (
            "mongodb://app:pw@db.example.test/?authSource=admin",
            {},
            _pymongo_internals.Login("app", "admin", "DEFAULT"),
        ),
        # pymongo's default authSource is the URI's database.
        (
            "mongodb://app:pw@db.example.test/shop",
            {"authMechanism": "SCRAM-SHA-256"},
            _pymongo_internals.Login("app", "shop", "SCRAM-SHA-256"),
        ),
        ("mongodb://db.example.test/", {}, None),
    ],
)
def test_login_of_reads_what_pymongo_resolved(
    uri: str, keywords: dict[str, Any], login: _pymongo_internals.Login | None
) -> None:
    # A guard on the private attribute login_of reads: if pymongo moved it, every login
    # would read None and a refused one would no longer name its user.
    client = pymongo.MongoClient(uri, connect=False, **keywords)
    try:
        assert _pymongo_internals.login_of(client) == login
    finally:
        client.close()


# Connection strings and passwords, read with pymongo's own helpers: present, or refused.


@pytest.fixture
def forget_readers() -> Iterator[None]:
    """Look pymongo's helpers up again (they are looked up once, then remembered)."""
    _pymongo_internals.known_uri_options.cache_clear()
    _pymongo_internals._uri_parser_function.cache_clear()
    yield
    _pymongo_internals.known_uri_options.cache_clear()
    _pymongo_internals._uri_parser_function.cache_clear()


def test_pymongos_readers_read_as_pymongo_does() -> None:
    known = _pymongo_internals.known_uri_options()
    assert {"tls", "tlscafile", "authsource", "tlscertificatekeyfilepassword"} <= known
    assert all(name == name.lower() for name in known)
    options = _pymongo_internals.split_options("appName=me&TLS=true", validate=True)
    assert (options["appname"], options["tls"]) == ("me", True)
    with pytest.raises(ValueError, match="tls"):
        _pymongo_internals.split_options("tls=maybe", validate=True)
    parsed = _pymongo_internals.parse_uri(
        "mongodb://app:pw@db.example.test:27018/shop?replicaSet=rs", connect_timeout=1
    )
    assert parsed["nodelist"] == [("db.example.test", 27018)]
    assert (parsed["username"], parsed["database"]) == ("app", "shop")
    assert parsed["options"]["replicaSet"] == "rs"
    assert _pymongo_internals.saslprep("I\u00adX") == "IX"  # RFC 4013: soft hyphen dropped
    with pytest.raises(ValueError, match="SASLprep"):
        _pymongo_internals.saslprep("bell\u0007")
    assert _pymongo_internals.uses_pyopenssl() is pymongo.ssl_support.HAVE_PYSSL


def with_password() -> object:
    return atlasconnect.connect("mongodb://app:pw@db.example.test/?appName=me", connect=False)


@pytest.mark.usefixtures("forget_readers", "fresh_hook")
@pytest.mark.parametrize(
    ("module", "name", "call"),
    [
        ("pymongo.common", "URI_OPTIONS_VALIDATOR_MAP", with_password),
        ("pymongo.uri_parser", "split_options", with_password),
        ("pymongo.saslprep", "saslprep", with_password),
        (
            "pymongo.uri_parser",
            "parse_uri",
            lambda: _pymongo_internals.parse_uri(URI, connect_timeout=1),
        ),
        ("pymongo.ssl_support", "HAVE_PYSSL", atlasconnect.check_environment),
    ],
)
def test_a_helper_pymongo_no_longer_has_is_refused(
    monkeypatch: pytest.MonkeyPatch, module: str, name: str, call: Callable[[], object]
) -> None:
    monkeypatch.delattr(importlib.import_module(module), name)
    with pytest.raises(MissingDependencyError) as info:
        call()
    assert f"{module}.{name}" in info.value.found
    assert info.value.package == "pymongo"


@pytest.mark.usefixtures("forget_readers")
def test_a_helper_pymongo_calls_otherwise_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A TypeError from a changed signature would read as a refusal of the connection string."""
    monkeypatch.setattr(pymongo.uri_parser, "split_options", lambda opts, validate=True: {})
    with pytest.raises(MissingDependencyError, match=r"split_options\(validate=..., warn="):
        with_password()
    monkeypatch.setattr(pymongo.uri_parser, "parse_uri", lambda uri, connect_timeout=None: {})
    with pytest.raises(MissingDependencyError, match=r"parse_uri\(connect_timeout=..., srv_"):
        _pymongo_internals.parse_uri(URI, connect_timeout=1)
    monkeypatch.setattr(
        pymongo.uri_parser, "parse_uri", lambda uri, connect_timeout=None, srv_service_name=None: {}
    )
    with pytest.raises(MissingDependencyError, match="parse_uri's nodelist"):
        _pymongo_internals.parse_uri(URI, connect_timeout=1)


# The SRV lookups' hook: DNS servers asked of a pymongo that moved it are refused, never
# silently dropped (the system's resolver would answer instead).

SRV_URI = "mongodb+srv://cluster0.example.test/"


@pytest.mark.parametrize("moved", ["_resolve", "_SrvResolver"])
def test_dns_servers_are_refused_when_the_lookup_hook_is_gone(
    monkeypatch: pytest.MonkeyPatch, moved: str
) -> None:
    import pymongo.synchronous.srv_resolver as srv_resolver

    monkeypatch.delattr(srv_resolver, moved)
    with pytest.raises(MissingDependencyError, match="_SrvResolver and _resolve"):
        atlasconnect.connect(SRV_URI, dns_servers=["127.0.0.1"], connect=False)
    # Without DNS servers asked for, pymongo looks up as it always did.
    atlasconnect.connect(SRV_URI, connect=False).close()


def test_dns_servers_are_refused_when_pymongo_keeps_the_service_name_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    init = pymongo.MongoClient.__init__

    def forgetting(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self._resolve_srv_info = {}

    monkeypatch.setattr(pymongo.MongoClient, "__init__", forgetting)
    with pytest.raises(MissingDependencyError, match="_resolve_srv_info"):
        atlasconnect.connect(SRV_URI, dns_servers=["127.0.0.1"], connect=False)


def test_a_client_whose_context_pymongo_keeps_elsewhere_is_refused_and_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pymongo renaming the attribute that holds a client's context (PoolOptions._ssl_context):
    the typed error, and the client built is closed, not left open."""
    probe: pymongo.MongoClient[Any] = pymongo.MongoClient(URI, connect=False)
    pool_options_class = type(probe.options.pool_options)
    probe.close()
    closed: list[object] = []
    close = pymongo.MongoClient.close

    def recording_close(self: pymongo.MongoClient[Any]) -> None:
        closed.append(self)
        close(self)

    monkeypatch.setattr(pymongo.MongoClient, "close", recording_close)
    monkeypatch.delattr(pool_options_class, "_ssl_context")
    with pytest.raises(MissingDependencyError, match=r"PoolOptions\._ssl_context"):
        atlasconnect.connect(URI, connect=False)
    assert len(closed) == 1


def test_dns_servers_are_refused_when_the_resolver_keeps_the_service_name_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A renamed private attribute would send the lookups to the system's resolver."""
    import pymongo.synchronous.srv_resolver as srv_resolver

    class Renamed(srv_resolver._SrvResolver):
        def __init__(self, fqdn: str, timeout: Any, service: str, *args: Any) -> None:
            super().__init__(fqdn, timeout, service, *args)
            self._SrvResolver__srv = str(service)

    monkeypatch.setattr(srv_resolver, "_SrvResolver", Renamed)
    with pytest.raises(MissingDependencyError, match="_SrvResolver and _resolve"):
        atlasconnect.connect(SRV_URI, dns_servers=["127.0.0.1"], connect=False)

"""Authentication mechanisms whose code pymongo keeps in an optional package, and MONGODB-OIDC.

``authMechanism=MONGODB-AWS`` needs ``pymongo_auth_aws`` (``pymongo[aws]``),
``GSSAPI`` needs ``kerberos`` or ``winkerberos`` (``pymongo[gssapi]``); pymongo
imports them only when it logs in, so a missing one used to surface as a bare
``ConfigurationError`` at the first operation. connect(), connect_async(),
check_environment() and the doctor refuse it up front, before any network.
Neither package is installed here; a test that needs one "installed" puts an
empty stand-in on ``sys.path``, and a test that needs one missing hides it with
``sys.modules[name] = None`` (what the import system reads as "not there").
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import json
import os
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pymongo
import pytest
from pymongo.auth_oidc import OIDCCallback, OIDCCallbackContext, OIDCCallbackResult
from pymongo.errors import ConfigurationError
from servers import MongoServer, TLSProxy, TLSProxyFactory, refused_port, server_context

import atlasconnect
from atlasconnect import ConnectionStringError, MissingDependencyError
from atlasconnect import _cli as cli
from atlasconnect._connection_string import URI_WHY

TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"
AWS_SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"
KERBEROS_MODULES = ("winkerberos", "kerberos")
AWS_MODULES = ("pymongo_auth_aws",)
FAST: dict[str, Any] = {"serverSelectionTimeoutMS": 1000, "connectTimeoutMS": 1000}


def hide(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """Make ``names`` impossible to import, whether or not they are installed."""
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)


@pytest.fixture
def without_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    hide(monkeypatch, *AWS_MODULES)


@pytest.fixture
def without_kerberos(monkeypatch: pytest.MonkeyPatch) -> None:
    hide(monkeypatch, *KERBEROS_MODULES)


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """``stand_in(name)``: an empty importable package ``name``, as if it were installed."""

    def install(name: str) -> None:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
        monkeypatch.delitem(sys.modules, name, raising=False)

    monkeypatch.syspath_prepend(str(tmp_path))
    return install


def shown(error: BaseException) -> str:
    """What may be printed of ``error``: text, repr, traceback, atlasconnect's frame locals.

    The test's own frames hold the URI as the caller wrote it.
    """
    trace = traceback.TracebackException.from_exception(error, capture_locals=True)
    own = [frame.locals for frame in trace.stack if "/atlasconnect/" in frame.filename]
    return "".join(traceback.format_exception(error)) + repr(error) + repr(own)


def assert_no_secret(error: BaseException) -> None:
    printed = shown(error)
    for secret in (TOKEN, AWS_SECRET):
        assert secret not in printed


def aws_uri(port: int) -> str:
    return (
        f"mongodb://AKIAEXAMPLE:{AWS_SECRET}@127.0.0.1:{port}/?authMechanism=MONGODB-AWS"
        f"&authMechanismProperties=AWS_SESSION_TOKEN:{TOKEN}"
    )


def assert_missing_aws(error: MissingDependencyError) -> None:
    assert isinstance(error, ConfigurationError)  # what pymongo raised, at the first operation
    assert error.package == "pymongo-auth-aws"
    assert error.installed_version is None
    assert "MONGODB-AWS" in error.found
    assert "pymongo-auth-aws" in error.found
    assert "`python -m pip install 'pymongo[aws]'`" in error.fix
    assert error.cli_fix == error.fix
    assert_no_secret(error)


# 1. Refused up front, before any network.


def test_aws_without_its_package_is_refused_before_any_connection(
    without_aws: None, tls_proxy: TLSProxyFactory, plain_mongo: MongoServer, ca_file: str, leaf: Any
) -> None:
    proxy: TLSProxy = tls_proxy(server_context(leaf), (plain_mongo.host, plain_mongo.port))
    with pytest.raises(MissingDependencyError) as info:
        atlasconnect.connect(aws_uri(proxy.port), tlsCAFile=ca_file, verify=True, **FAST)
    assert_missing_aws(info.value)
    assert proxy.sni_names == []  # no TLS handshake reached the server: nothing was sent


def test_aws_as_a_keyword_is_refused_too(without_aws: None) -> None:
    with pytest.raises(MissingDependencyError) as info:
        atlasconnect.connect(
            f"mongodb://127.0.0.1:{refused_port()}/",
            authMechanism="MONGODB-AWS",
            authMechanismProperties={"AWS_SESSION_TOKEN": TOKEN},
            username="AKIAEXAMPLE",
            password=AWS_SECRET,
            connect=False,
        )
    assert_missing_aws(info.value)


def test_connect_async_refuses_it(without_aws: None) -> None:
    async def main() -> None:
        await atlasconnect.connect_async(aws_uri(refused_port()), verify=True, **FAST)

    with pytest.raises(MissingDependencyError) as info:
        asyncio.run(main())
    assert_missing_aws(info.value)


def test_client_options_and_check_environment_refuse_it(without_aws: None) -> None:
    with pytest.raises(MissingDependencyError) as info:
        atlasconnect.client_options(aws_uri(refused_port()))
    assert_missing_aws(info.value)
    with pytest.raises(MissingDependencyError) as info:
        atlasconnect.check_environment(aws_uri(refused_port()))
    assert_missing_aws(info.value)


def test_gssapi_without_kerberos_is_refused(without_kerberos: None) -> None:
    uri = f"mongodb://app%40EXAMPLE.COM@127.0.0.1:{refused_port()}/?authMechanism=GSSAPI"
    with pytest.raises(MissingDependencyError) as info:
        atlasconnect.connect(uri, connect=False)
    error = info.value
    assert isinstance(error, ConfigurationError)
    assert error.package == ("winkerberos" if os.name == "nt" else "pykerberos")
    assert error.installed_version is None
    assert "GSSAPI" in error.found
    assert "kerberos" in error.found
    assert "`python -m pip install 'pymongo[gssapi]'`" in error.fix


@pytest.mark.parametrize(
    ("module", "uri"),
    [
        ("pymongo_auth_aws", "mongodb://127.0.0.1:{port}/?authMechanism=MONGODB-AWS"),
        ("kerberos", "mongodb://app@127.0.0.1:{port}/?authMechanism=GSSAPI"),
        ("winkerberos", "mongodb://app@127.0.0.1:{port}/?authMechanism=GSSAPI"),
    ],
)
def test_an_installed_package_passes(
    stand_in: Any, monkeypatch: pytest.MonkeyPatch, module: str, uri: str
) -> None:
    hide(monkeypatch, *(name for name in (*AWS_MODULES, *KERBEROS_MODULES) if name != module))
    stand_in(module)
    atlasconnect.connect(uri.format(port=refused_port()), connect=False).close()


def test_other_mechanisms_look_for_no_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check costs nothing where no optional package is needed: no module is looked up."""

    def no_lookup(name: str, package: str | None = None) -> None:
        raise AssertionError(f"looked up {name}")

    monkeypatch.setattr(importlib.util, "find_spec", no_lookup)
    port = refused_port()
    for uri in (
        f"mongodb://app:pw@127.0.0.1:{port}/",
        f"mongodb://app:pw@127.0.0.1:{port}/?authMechanism=SCRAM-SHA-256",
        f"mongodb://127.0.0.1:{port}/?authMechanism=MONGODB-X509",
    ):
        atlasconnect.connect(uri, connect=False).close()


def test_the_doctor_refuses_it_before_probing_any_host(without_aws: None) -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["doctor", aws_uri(refused_port()), "--json", "--timeout", "1"])
    document = json.loads(out.getvalue())
    assert code == atlasconnect.Family.ENVIRONMENT.exit_status
    assert document["hosts"] == []
    assert document["layers"][-1]["name"] == "connection_string"
    error = document["verdict"]["error"]
    assert error["type"] == "MissingDependencyError"
    assert "python -m pip install 'pymongo[aws]'" in error["fix"]
    printed = out.getvalue() + err.getvalue()
    assert TOKEN not in printed
    assert AWS_SECRET not in printed


# 2. pymongo's own words, explained: a client made without atlasconnect, or a paste.


def test_explain_pymongos_aws_error_at_the_first_operation(
    without_aws: None, mongo: MongoServer, ca_file: str
) -> None:
    client: pymongo.MongoClient[Any] = pymongo.MongoClient(
        mongo.uri(tls=True, tlsCAFile=ca_file, authMechanism="MONGODB-AWS", authSource="$external"),
        serverSelectionTimeoutMS=2000,
    )
    try:
        with pytest.raises(ConfigurationError) as raised:
            client.admin.command("ping")
        error = atlasconnect.explain(raised.value, client)
    finally:
        client.close()
    assert isinstance(error, MissingDependencyError)
    assert error.package == "pymongo-auth-aws"
    assert "`python -m pip install 'pymongo[aws]'`" in error.fix


# pymongo's texts, the same in 4.13 and 4.20 (pymongo/synchronous/auth_aws.py and auth.py).
AWS_TEXT = (
    "MONGODB-AWS authentication requires pymongo-auth-aws: install with: "
    "python -m pip install 'pymongo[aws]'"
)
KERBEROS_TEXT = 'The "kerberos" module must be installed to use GSSAPI authentication.'


@pytest.mark.parametrize(
    ("text", "package", "extra"),
    [
        (AWS_TEXT, "pymongo-auth-aws", "aws"),
        (KERBEROS_TEXT, "winkerberos" if os.name == "nt" else "pykerberos", "gssapi"),
    ],
)
def test_explain_pymongos_words(
    without_aws: None, without_kerberos: None, text: str, package: str, extra: str
) -> None:
    error = atlasconnect.explain(ConfigurationError(text))
    assert isinstance(error, MissingDependencyError)
    assert isinstance(error, ConfigurationError)
    assert error.package == package
    assert error.installed_version is None
    assert f"`python -m pip install 'pymongo[{extra}]'`" in error.fix


@pytest.mark.parametrize(
    ("text", "family", "error"),
    [
        (AWS_TEXT, atlasconnect.Family.ENVIRONMENT, "MissingDependencyError"),
        (KERBEROS_TEXT, atlasconnect.Family.ENVIRONMENT, "MissingDependencyError"),
        (
            "Azure environment for MONGODB-OIDC requires a TOKEN_RESOURCE auth mechanism property",
            atlasconnect.Family.CONFIGURATION,
            "ConnectionStringError",
        ),
    ],
)
def test_atlasconnect_explain_reads_the_pasted_words(
    text: str, family: atlasconnect.Family, error: str
) -> None:
    for pasted in (text, f"pymongo.errors.ConfigurationError: {text}"):
        out = io.StringIO()
        with redirect_stdout(out):
            code = cli.main(["explain", "--json", pasted])
        assert code == family.exit_status
        assert json.loads(out.getvalue())["error"]["type"] == error


# 3. MONGODB-OIDC's properties: pymongo checks them when the client is made (before any
# network); its refusals are explained, the fix naming the property to write.

OIDC = "mongodb://{userinfo}127.0.0.1:{port}/?authMechanism=MONGODB-OIDC{properties}"
OIDC_PASSWORD = "Oidc-Pa55word-9"


class Callback(OIDCCallback):
    def fetch(self, context: OIDCCallbackContext) -> OIDCCallbackResult:
        return OIDCCallbackResult(access_token="not-a-token")


OIDC_CASES = {
    "nothing": ("", "", {}, "neither, or both", "'ENVIRONMENT': 'azure'"),
    "azure without TOKEN_RESOURCE": (
        "",
        "&authMechanismProperties=ENVIRONMENT:azure",
        {},
        "ENVIRONMENT:azure: it needs TOKEN_RESOURCE",
        "'TOKEN_RESOURCE':",
    ),
    "gcp without TOKEN_RESOURCE": (
        "",
        "&authMechanismProperties=ENVIRONMENT:gcp",
        {},
        "ENVIRONMENT:gcp: it needs TOKEN_RESOURCE",
        "'TOKEN_RESOURCE':",
    ),
    "an environment in capitals": (
        "",
        "&authMechanismProperties=ENVIRONMENT:Azure,TOKEN_RESOURCE:api%3A%2F%2Fatlas",
        {},
        "ENVIRONMENT:Azure is not an environment pymongo knows",
        "lower case",
    ),
    "a password": (
        f"client-id:{OIDC_PASSWORD}@",
        "&authMechanismProperties=ENVIRONMENT:k8s",
        {},
        "with a password: MONGODB-OIDC takes none",
        "remove the password",
    ),
    "test with a user": (
        "someone@",
        "&authMechanismProperties=ENVIRONMENT:test",
        {},
        "ENVIRONMENT:test and a user name",
        "remove the user name",
    ),
    "a callback and an environment": (
        "",
        "",
        {"authMechanismProperties": {"OIDC_CALLBACK": Callback(), "ENVIRONMENT": "k8s"}},
        "neither, or both",
        "give exactly one",
    ),
    "both callbacks": (
        "",
        "",
        {
            "authMechanismProperties": {
                "OIDC_CALLBACK": Callback(),
                "OIDC_HUMAN_CALLBACK": Callback(),
            }
        },
        "both OIDC_CALLBACK and OIDC_HUMAN_CALLBACK",
        "pass one of them",
    ),
    "ALLOWED_HOSTS for a machine": (
        "",
        "",
        {"authMechanismProperties": {"OIDC_CALLBACK": Callback(), "ALLOWED_HOSTS": ["x"]}},
        "ALLOWED_HOSTS without OIDC_HUMAN_CALLBACK",
        "remove ALLOWED_HOSTS",
    ),
}


@pytest.mark.parametrize(
    ("userinfo", "properties", "keywords", "found", "fix"),
    list(OIDC_CASES.values()),
    ids=list(OIDC_CASES),
)
def test_oidc_properties_pymongo_refuses_are_explained(
    userinfo: str, properties: str, keywords: dict[str, Any], found: str, fix: str
) -> None:
    uri = OIDC.format(userinfo=userinfo, port=refused_port(), properties=properties)
    with pytest.raises(ConnectionStringError) as info:
        atlasconnect.connect(uri, **keywords)
    error = info.value
    assert isinstance(error, ConfigurationError)  # pymongo's InvalidURI
    assert found in error.found
    assert fix in error.fix
    assert "authMechanism=MONGODB-OIDC" in error.found
    assert error.why != URI_WHY  # not the generic explanation of a malformed option
    assert error.redacted_uri is not None
    assert OIDC_PASSWORD not in shown(error)

    # pymongo's own words (this pymongo's), explained without the client.
    with pytest.raises(ConfigurationError) as raised:
        pymongo.MongoClient(uri, connect=False, **keywords)
    explained = atlasconnect.explain(raised.value)
    assert isinstance(explained, ConnectionStringError)
    assert found in explained.found
    assert explained.redacted_uri is None


def test_oidc_properties_in_the_uri_have_a_command_line_fix() -> None:
    uri = OIDC.format(
        userinfo="", port=refused_port(), properties="&authMechanismProperties=ENVIRONMENT:gcp"
    )
    with pytest.raises(ConnectionStringError) as info:
        atlasconnect.connect(uri, connect=False)
    assert "authMechanismProperties=ENVIRONMENT:gcp,TOKEN_RESOURCE:" in info.value.cli_fix
    assert "connect(" not in info.value.cli_fix


@pytest.mark.parametrize(
    "properties",
    [
        "&authMechanismProperties=ENVIRONMENT:k8s",
        "&authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:api%3A%2F%2Fatlas",
        "&authMechanismProperties=ENVIRONMENT:gcp,TOKEN_RESOURCE:atlas-audience",
    ],
)
def test_oidc_properties_pymongo_accepts_pass(properties: str) -> None:
    uri = OIDC.format(userinfo="", port=refused_port(), properties=properties)
    atlasconnect.connect(uri, connect=False).close()


def test_a_callback_passes() -> None:
    uri = OIDC.format(userinfo="", port=refused_port(), properties="")
    client = atlasconnect.connect(
        uri, connect=False, authMechanismProperties={"OIDC_CALLBACK": Callback()}
    )
    client.close()

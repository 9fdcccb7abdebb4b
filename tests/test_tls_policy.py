"""Insecure settings and TLS floors are refused before any client exists."""

from __future__ import annotations

import json
import ssl
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymongo.errors import ConfigurationError

import atlasconnect
from atlasconnect import InsecureConfigurationError
from atlasconnect import _cli as cli

HOST = "mongodb://app:pw@db.example.test/"
SRV = "mongodb+srv://app:pw@cluster0.example.test/"


@pytest.mark.parametrize("base", [HOST, SRV])
@pytest.mark.parametrize(
    "option",
    [
        "tls=false",
        "TLS=False",
        "ssl=false",
        "SSL=FALSE",
        "tlsInsecure=true",
        "TLSINSECURE=true",
        "tlsAllowInvalidCertificates=true",
        "tlsallowinvalidcertificates=TRUE",
        "tlsAllowInvalidHostnames=true",
        "tlsAllowInvalidHostNames=true",
    ],
)
def test_insecure_uri_option_refused(base: str, option: str) -> None:
    with pytest.raises(InsecureConfigurationError) as info:
        atlasconnect.connect(f"{base}?{option}", connect=False)
    error = info.value
    assert isinstance(error, ConfigurationError)
    # As written, not as pymongo's parsed options spell it (lower case).
    assert error.setting == option
    assert f"{option} in the connection string" in error.found
    assert f"remove {option} from" in error.fix
    assert "tlsCAFile" in error.fix
    assert "pw" not in str(error)


@pytest.mark.parametrize(
    "keywords",
    [
        {"tls": False},
        {"ssl": False},
        {"TLS": "false"},
        {"tlsInsecure": True},
        {"tlsinsecure": "true"},
        {"tlsAllowInvalidCertificates": True},
        {"tlsAllowInvalidHostnames": True},
    ],
)
def test_insecure_keyword_refused(keywords: dict[str, Any]) -> None:
    with pytest.raises(InsecureConfigurationError) as info:
        atlasconnect.connect(HOST, connect=False, **keywords)
    ((name, value),) = keywords.items()
    # As written in Python: connect(uri, tlsInsecure=True) -> "tlsInsecure=True".
    assert info.value.setting == f"{name}={value!r}"
    assert f"{info.value.setting} in the keywords" in info.value.found


def test_percent_encoded_uri_value_is_shown_decoded() -> None:
    with pytest.raises(InsecureConfigurationError) as info:
        atlasconnect.connect(f"{HOST}?appName=shop&tlsInsecure=%74rue", connect=False)
    assert info.value.setting == "tlsInsecure=true"


@pytest.mark.filterwarnings("ignore:Duplicate URI option")
@pytest.mark.parametrize(
    ("query", "setting"),
    [
        ("tlsInsecure=false&TLSInsecure=True", "TLSInsecure=True"),
        ("TLS=true&tls=False", "tls=False"),
    ],
)
def test_repeated_uri_option_the_last_counts(query: str, setting: str) -> None:
    # pymongo keeps the last of repeated options (in any letter case); so does the check.
    with pytest.raises(InsecureConfigurationError) as info:
        atlasconnect.connect(f"{HOST}?{query}", connect=False)
    assert info.value.setting == setting


@pytest.mark.filterwarnings("ignore:Duplicate URI option")
def test_repeated_uri_option_made_safe_is_accepted() -> None:
    atlasconnect.connect(f"{HOST}?tlsInsecure=true&tlsinsecure=false", connect=False).close()


@settings(max_examples=50, deadline=None)
@given(
    option=st.sampled_from(
        ["tls=false", "ssl=false", "tlsInsecure=true", "tlsAllowInvalidCertificates=true"]
    ).flatmap(
        lambda text: st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in text)).map(
            "".join
        )
    ),
    others=st.lists(
        st.sampled_from(["appName=shop", "retryWrites=true", "w=majority"]), unique=True
    ),
    separator=st.sampled_from(["&", ";"]),
)
def test_any_spelling_is_quoted_as_written(option: str, others: list[str], separator: str) -> None:
    uri = f"{SRV}?{separator.join([*others, option])}"
    with pytest.raises(InsecureConfigurationError) as info:
        atlasconnect.connect(uri, connect=False)
    assert info.value.setting == option
    assert option in str(info.value)


@pytest.mark.parametrize(
    "keywords",
    [
        {"tls": True},
        {"ssl": True},
        {"tlsInsecure": False},
        {"tlsAllowInvalidCertificates": False},
        {"tlsAllowInvalidHostnames": "false"},
    ],
)
def test_secure_settings_accepted(keywords: dict[str, Any]) -> None:
    atlasconnect.connect(HOST, connect=False, **keywords).close()


def test_secure_uri_settings_accepted() -> None:
    atlasconnect.connect(HOST + "?tls=true&tlsAllowInvalidHostnames=false", connect=False).close()


async def _connect_async_insecure() -> None:
    await atlasconnect.connect_async(HOST + "?tlsInsecure=true")


def test_connect_async_refuses_insecure() -> None:
    import asyncio

    with pytest.raises(InsecureConfigurationError):
        asyncio.run(_connect_async_insecure())


@pytest.mark.parametrize(
    "version", [ssl.TLSVersion.TLSv1, ssl.TLSVersion.SSLv3, ssl.TLSVersion.MINIMUM_SUPPORTED]
)
def test_floor_below_tls_1_1_refused(version: ssl.TLSVersion) -> None:
    with pytest.raises(InsecureConfigurationError) as info:
        atlasconnect.connect(HOST, connect=False, min_tls_version=version)
    assert info.value.setting == f"min_tls_version={version.name}"
    assert "TLSv1_3" in info.value.fix


def test_floor_that_is_not_a_tls_version() -> None:
    with pytest.raises(TypeError, match=r"ssl\.TLSVersion"):
        atlasconnect.connect(HOST, connect=False, min_tls_version="1.2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a concrete TLS version"):
        atlasconnect.connect(HOST, connect=False, min_tls_version=ssl.TLSVersion.MAXIMUM_SUPPORTED)


@pytest.mark.parametrize(
    "version", [ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3]
)
def test_allowed_floors(version: ssl.TLSVersion) -> None:
    atlasconnect.connect(HOST, connect=False, min_tls_version=version).close()


def test_doctor_lists_unsafe_options_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["doctor", "--json", f"{HOST}?appName=shop&TLSInsecure=true"])
    document = json.loads(capsys.readouterr().out)
    assert code == 11
    (layer,) = (layer for layer in document["layers"] if layer["name"] == "connection_string")
    assert layer["details"]["unsafe_options"] == ["TLSInsecure=true"]

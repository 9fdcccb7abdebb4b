"""Insecure settings and TLS floors are refused before any client exists."""

from __future__ import annotations

import ssl
from typing import Any

import pytest
from pymongo.errors import ConfigurationError

import atlasconnect
from atlasconnect import InsecureConfigurationError

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
    assert error.setting.lower() == option.lower()
    assert "connection string" in error.found
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
    assert "keywords" in info.value.found
    assert info.value.setting.split("=")[0] == next(iter(keywords))


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

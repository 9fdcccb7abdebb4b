"""The private pymongo hook behind the TLS floor: present on this pymongo, or refused loudly.

tox runs this file on the oldest (``-e oldest``) and newest supported pymongo,
and with the pyOpenSSL backend (``-e ocsp``).
"""

from __future__ import annotations

import ssl
from typing import Any

import certifi
import pymongo.client_options
import pytest

import atlasconnect
from atlasconnect import MissingDependencyError, _pymongo_internals
from atlasconnect._pymongo_internals import FlooredCAFile

URI = "mongodb://db.example.test/"


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


def test_context_without_a_settable_floor_fails_closed() -> None:
    with pytest.raises(MissingDependencyError, match="settable minimum TLS version"):
        _pymongo_internals.enforce_floor(object(), ssl.TLSVersion.TLSv1_2)

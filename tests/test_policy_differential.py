"""Differential: whatever the spelling, the client pymongo builds for atlasconnect verifies.

Connection strings and keywords are generated with every option that can
weaken TLS, in every letter case, percent-encoded or not, with whitespace and
invisible characters around and inside, repeated, beside harmless options. The
property is read on what pymongo built (its context and its own reading of the
options), not on atlasconnect's reading: the client verifies certificates and
host names, or atlasconnect refused with a typed error. tox runs this on the
oldest and newest supported pymongo and on both TLS backends.
"""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import pymongo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_policy_on_client import assert_verifies

import atlasconnect
from atlasconnect import AtlasConnectError

WEAKENING = ["tlsInsecure", "tlsAllowInvalidCertificates", "tlsAllowInvalidHostnames"]
WEAKENING += ["tlsDisableOCSPEndpointCheck"]
SWITCHES = ["tls", "ssl"]
HARMLESS = ["appName=shop", "retryWrites=true", "w=majority", "authSource=admin"]
TRUTHS = ["true", "false", "TRUE", "True", "False", "1", "0", "yes", "", "t"]
SPACES = ["", " ", "\n", "\r\n", "\t", "\ufeff", "\u200b", "\u00a0", "%20", "%0A", "%09"]


def mixed_case(text: str) -> st.SearchStrategy[str]:
    return st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in text)).map("".join)


def percent_encoded(text: str) -> st.SearchStrategy[str]:
    """``text`` with any of its characters written as %XX."""
    return st.tuples(*(st.sampled_from([c, f"%{ord(c):02X}"]) for c in text)).map("".join)


@st.composite
def option(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(WEAKENING + SWITCHES).flatmap(mixed_case))
    value = draw(st.sampled_from(TRUTHS).flatmap(percent_encoded))
    before, after = draw(st.sampled_from(SPACES)), draw(st.sampled_from(SPACES))
    return f"{before}{name}={value}{after}"


@st.composite
def connection_string(draw: st.DrawFn) -> str:
    base = draw(
        st.sampled_from(
            [
                "mongodb://db.example.test/",
                "mongodb://app:pw@db.example.test:27017/shop",
                "mongodb+srv://app:pw@cluster0.example.test/",
            ]
        )
    )
    options = draw(st.lists(st.one_of(option(), st.sampled_from(HARMLESS)), max_size=5))
    separator = draw(st.sampled_from(["&", ";"]))
    query = separator.join(options)
    around = draw(st.sampled_from(["", "\n", " ", "\r\n", "\ufeff", '"', "'"]))
    closing = around if around in "\"'" else draw(st.sampled_from(["", "\n", " \t"]))
    return f"{around}{base}{'?' + query if query else ''}{closing}"


keywords = st.dictionaries(
    st.sampled_from(WEAKENING + SWITCHES).flatmap(mixed_case),
    st.sampled_from([True, False, "true", "false", " true", "TRUE", 1, 0, None]),
    max_size=3,
)


def assert_strict(client: Any) -> None:
    """What pymongo built verifies certificates and host names, and read nothing weaker."""
    assert_verifies(client)
    read = {k.lower(): v for k, v in client.options._options.items()}
    for name in WEAKENING:
        assert read.get(name.lower()) in (None, False)


def quietly(build: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymongo warns of the options it drops
        return build()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(uri=connection_string(), given_keywords=keywords)
def test_connect_builds_only_clients_that_verify(uri: str, given_keywords: dict[str, Any]) -> None:
    try:
        client = quietly(lambda: atlasconnect.connect(uri, connect=False, **given_keywords))
    except AtlasConnectError:
        return
    try:
        assert_strict(client)
    finally:
        client.close()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(uri=connection_string(), given_keywords=keywords)
def test_client_options_give_only_clients_that_verify(
    uri: str, given_keywords: dict[str, Any]
) -> None:
    try:
        checked_uri, options = quietly(lambda: atlasconnect.client_options(uri, **given_keywords))
    except AtlasConnectError:
        return
    client = quietly(lambda: pymongo.MongoClient(checked_uri, **options, connect=False))
    try:
        assert_strict(client)
    finally:
        client.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(uri=connection_string(), given_keywords=keywords)
def test_connect_async_builds_only_clients_that_verify(
    uri: str, given_keywords: dict[str, Any]
) -> None:
    async def build() -> Any:
        return await atlasconnect.connect_async(uri, **given_keywords)

    try:
        client = quietly(lambda: asyncio.run(build()))
    except AtlasConnectError:
        return
    assert_strict(client)

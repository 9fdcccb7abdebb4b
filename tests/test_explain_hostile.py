"""explain() is called from error handlers: whatever it is given, it returns and never raises.

Every pymongo exception class, with any text, with any ``client`` argument
(not a client, a closed client), gives None or an AtlasConnectError; and
texts of a few hundred kB shaped against each regular expression finish at
once (the timeout marker is a hang detector, not a timing assertion).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pymongo.errors
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo import MongoClient

import atlasconnect
from atlasconnect import AtlasConnectError


def pymongo_exception_classes() -> list[type[pymongo.errors.PyMongoError]]:
    return [
        cls
        for _, cls in inspect.getmembers(pymongo.errors, inspect.isclass)
        if issubclass(cls, pymongo.errors.PyMongoError)
    ]


def make(cls: type[pymongo.errors.PyMongoError], text: str, code: int | None) -> BaseException:
    """An instance of ``cls`` carrying ``text`` however its constructor takes it."""
    parameters = inspect.signature(cls.__init__).parameters
    constructor: Callable[..., BaseException] = cls  # signatures differ: see the branches
    if "results" in parameters:  # the bulk write errors
        results = {"writeErrors": [{"errmsg": text, "code": code}]}
        return constructor(results, False) if "verbose" in parameters else constructor(results)
    if "cause" in parameters:  # the encryption errors
        cause = ValueError(text)
        return constructor(cause, {}) if "encrypted_fields" in parameters else constructor(cause)
    if "code" in parameters:
        return constructor(text, code, {"errmsg": text, "code": code})
    return constructor(text)


@pytest.fixture(scope="module")
def closed_client() -> MongoClient[Any]:
    client = atlasconnect.connect("mongodb://localhost:1/", connect=False)
    client.close()
    return client


texts = st.one_of(
    st.text(),
    st.text(alphabet="ab:1[]. _-,", max_size=200),
    st.sampled_from(
        [
            "h:1: [Errno 111] Connection refused",
            "SSL handshake failed: h:1: [SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol",
            "h:1: certificate verify failed: unable to get local issuer certificate",
            "The DNS query name does not exist: _mongodb._tcp.x.",
            "no SNI name sent",
        ]
    ),
)
clients = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.integers(),
    st.builds(object),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cls=st.sampled_from(pymongo_exception_classes()),
    text=texts,
    code=st.one_of(st.none(), st.sampled_from([0, 8000, 18, 13]), st.integers()),
    client=clients,
)
def test_explain_never_raises(
    cls: type[pymongo.errors.PyMongoError], text: str, code: int | None, client: object
) -> None:
    result = atlasconnect.explain(make(cls, text, code), client)
    assert result is None or isinstance(result, AtlasConnectError)


@pytest.mark.parametrize("cls", pymongo_exception_classes(), ids=lambda cls: cls.__name__)
def test_explain_with_a_closed_client(
    cls: type[pymongo.errors.PyMongoError], closed_client: MongoClient[Any]
) -> None:
    result = atlasconnect.explain(
        make(cls, "h:1: [Errno 111] Connection refused", 0), closed_client
    )
    assert result is None or isinstance(result, AtlasConnectError)


SIZE = 300_000
# The worst shapes for each pattern of atlasconnect.diagnosis: long runs that
# almost match, so that a backtracking engine retries from every position.
ADVERSARIAL = {
    "host-name run": "a" * SIZE,
    "digits after a colon": "a:" + "1" * SIZE,
    "host:port without ': '": "a:1" * (SIZE // 3),
    "host:port: repeated": "a:1: " * (SIZE // 5),
    "IPv6 bracket never closed": "[" + "1:" * (SIZE // 2),
    "brackets": "[1" * (SIZE // 2),
    "SRV name run": "_mongodb._tcp." + "a" * SIZE + "_",
    "SRV names": "_mongodb._tcp.a" * (SIZE // 15),
    "handshake failed run": "SSL handshake failed: " + "x:" * (SIZE // 2),
    "handshake failed repeated": "SSL handshake failed: " * (SIZE // 22),
    "spaces": " " * SIZE,
}
LARGE_ERRORS = [
    pymongo.errors.ServerSelectionTimeoutError,
    pymongo.errors.AutoReconnect,
    pymongo.errors.ConfigurationError,
    pymongo.errors.OperationFailure,
]


@pytest.mark.timeout(20)
@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
@pytest.mark.parametrize("cls", LARGE_ERRORS, ids=lambda cls: cls.__name__)
def test_explain_large_adversarial_texts(cls: type[pymongo.errors.PyMongoError], text: str) -> None:
    result = atlasconnect.explain(make(cls, text, 8000))
    assert result is None or isinstance(result, AtlasConnectError)

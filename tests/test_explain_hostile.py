"""explain() is called from error handlers: whatever it is given, it returns and never raises.

Every pymongo exception class, with any text, with any ``client`` argument
(not a client, a closed client), gives None or an AtlasConnectError; and
texts of a few hundred kB shaped against each regular expression finish at
once (the timeout marker is a hang detector, not a timing assertion).
"""

from __future__ import annotations

import importlib
import inspect
import sys
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


# --- objects that fight back, groups, and words that are names ------------------------

ATLAS_REFUSAL = (
    "ac-x1y2z3-shard-00-00.abcde.mongodb.net:27017: SSL handshake failed: [SSL: "
    "TLSV1_ALERT_INTERNAL_ERROR] tlsv1 alert internal error (_ssl.c:1006), Timeout: 30s, "
    "Topology Description: <TopologyDescription ...>"
)


class Unprintable(pymongo.errors.ServerSelectionTimeoutError):
    """An error whose text cannot be read: its ``__str__`` raises."""

    def __str__(self) -> str:
        raise RuntimeError("no text")


class BrokenAttributes(pymongo.errors.OperationFailure):
    """An error whose every attribute past construction raises (a broken proxy)."""

    def __getattribute__(self, name: str) -> Any:
        if name in ("details", "code", "__cause__", "__context__", "args"):
            raise RuntimeError(name)
        return super().__getattribute__(name)


@pytest.mark.parametrize(
    "exc",
    [Unprintable("x"), BrokenAttributes("bad auth : authentication failed", 8000)],
    ids=["__str__ raises", "attributes raise"],
)
def test_an_error_that_cannot_be_read_gives_none_or_an_explanation(exc: BaseException) -> None:
    result = atlasconnect.explain(exc)
    assert result is None or isinstance(result, AtlasConnectError)


def exception_group(message: str, held: list[Exception]) -> Exception:
    """An ExceptionGroup: Python 3.11's, or on 3.10 the backport pytest itself needs."""
    if sys.version_info >= (3, 11):
        return ExceptionGroup(message, held)  # noqa: F821 (a builtin from 3.11)
    backport = importlib.import_module("exceptiongroup")
    group: Exception = backport.ExceptionGroup(message, held)
    return group


def test_an_exception_group_is_explained_by_the_error_it_holds() -> None:
    """asyncio.TaskGroup raises a group of what its tasks raised."""
    held = pymongo.errors.ServerSelectionTimeoutError(ATLAS_REFUSAL)
    group = exception_group("unhandled errors in a TaskGroup", [ValueError("other"), held])
    error = atlasconnect.explain(group)
    assert isinstance(error, atlasconnect.NetworkAccessError)
    assert "IP access list" in str(error)


def test_a_group_of_unrelated_errors_gives_none() -> None:
    assert atlasconnect.explain(exception_group("g", [ValueError("a"), KeyError("b")])) is None


def test_a_host_named_like_a_failure_is_not_read_as_one() -> None:
    """The words of an error say what failed; a server's name says nothing: "ocsp-db"
    refused the connection, which is no OCSP failure."""
    exc = pymongo.errors.ServerSelectionTimeoutError(
        "ocsp-db.example.com:27017: [Errno 111] Connection refused (configured timeouts: "
        "connectTimeoutMS: 20000.0ms), Timeout: 30s, Topology Description: <...>"
    )
    error = atlasconnect.explain(exc)
    assert isinstance(error, atlasconnect.ServerUnreachableError)
    assert error.reason == "refused"
    assert "OCSP" not in error.found + error.why


def test_pymongo_2s_connection_failure_names_its_server() -> None:
    exc = pymongo.errors.ConnectionFailure(
        "could not connect to db.example.com:27017: [Errno 111] Connection refused"
    )
    error = atlasconnect.explain(exc)
    assert isinstance(error, atlasconnect.ServerUnreachableError)
    assert error.reason == "refused"
    assert error.hosts == ["db.example.com:27017"]

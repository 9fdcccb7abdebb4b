"""What a real server answers, read from its code and its ``hello``: the families
authorization, compatibility and discovery, and the RSGhost state.

Every error here comes from a SecantusDB on loopback: its own refusals (code 13
for a write to ``admin.system.users``, 59 for an unknown command, 13 "requires
authentication" without a login), and its ``hello`` rewritten to answer as a
server of another wire version or as a member with no configuration
(``servers.hello_rewritten``). The versions expected are read from pymongo.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pymongo
import pymongo.common
import pytest
import trustme
from conftest import PASSWORD, REPLICA_SET, USERNAME, tls_server
from pymongo.errors import (
    ConfigurationError,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
)
from servers import MongoServer, as_ghost, hello_rewritten
from shown import shown

import atlasconnect
from atlasconnect import (
    AuthenticationError,
    AuthorizationError,
    CompatibilityError,
    Family,
    ServerUnreachableError,
    explain,
)
from atlasconnect._exceptions import family_of

SHORT: dict[str, Any] = {"serverSelectionTimeoutMS": 1500, "connectTimeoutMS": 1000}


@pytest.fixture(scope="module")
def own_mongo(leaf: trustme.LeafCert, certs_dir: Path) -> Iterator[MongoServer]:
    """A TLS + SCRAM standalone of this module's own, whose ``hello`` tests rewrite."""
    with tls_server(leaf, certs_dir) as server:
        yield server


def failure_of(client: pymongo.MongoClient[Any], operation: str) -> PyMongoError:
    """What the server answers ``operation``, as pymongo raised it."""
    operations: dict[str, Callable[[], object]] = {
        "write to admin.system.users": lambda: client.admin["system.users"].insert_one({}),
        "unknown command": lambda: client.admin.command("noSuchCommandAnywhere"),
        "find": lambda: client.test.things.find_one(),
        "ping": lambda: client.admin.command("ping"),
    }
    with pytest.raises(PyMongoError) as info:
        operations[operation]()
    return info.value


def assert_no_secret(error: BaseException) -> None:
    """Nothing printed of ``error`` (text, repr, traceback, atlasconnect's frame locals)."""
    printed = shown(error)
    assert PASSWORD not in printed
    assert quote_plus(PASSWORD) not in printed


# --- what the server answered an operation: its code -----------------------------------


def test_a_role_that_does_not_allow_the_command(mongo: MongoServer, ca_file: str) -> None:
    with atlasconnect.connect(mongo.uri(), tlsCAFile=ca_file) as client:
        failure = failure_of(client, "write to admin.system.users")
        assert isinstance(failure, OperationFailure)
        assert failure.code == 13
        error = explain(failure, client)
    assert isinstance(error, AuthorizationError)
    assert isinstance(error, OperationFailure)
    assert (error.reason, family_of(error)) == ("missing_role", Family.AUTHORIZATION)
    assert "admin.system.users" in error.found
    assert f"'{USERNAME}'" in error.found  # the client is known: the user it logged in as
    assert "Security > Database Access" in error.fix
    assert_no_secret(error)


def test_the_same_answer_without_the_client_names_no_user(mongo: MongoServer, ca_file: str) -> None:
    with atlasconnect.connect(mongo.uri(), tlsCAFile=ca_file) as client:
        error = explain(failure_of(client, "write to admin.system.users"))
    assert isinstance(error, AuthorizationError)
    assert error.reason == "missing_role"
    assert USERNAME not in error.found


def test_a_client_that_never_logged_in(mongo: MongoServer, ca_file: str) -> None:
    uri = f"mongodb://localhost:{mongo.port}/?tls=true"
    with atlasconnect.connect(uri, tlsCAFile=ca_file) as client:
        failure = failure_of(client, "find")
        error = explain(failure, client)
    assert "requires authentication" in str(failure)
    assert isinstance(error, AuthenticationError)
    assert isinstance(error, OperationFailure)
    assert error.reason == "not_logged_in"
    assert "USER:PASSWORD" in error.fix
    assert_no_secret(error)


def test_a_command_the_server_does_not_know(mongo: MongoServer, ca_file: str) -> None:
    with atlasconnect.connect(mongo.uri(), tlsCAFile=ca_file) as client:
        failure = failure_of(client, "unknown command")
    error = explain(failure)
    assert isinstance(failure, OperationFailure)
    assert failure.code == 59
    assert isinstance(error, CompatibilityError)
    assert isinstance(error, ConfigurationError)
    assert (error.reason, family_of(error)) == ("unsupported_by_server", Family.COMPATIBILITY)
    assert "CommandNotFound (59)" in error.found
    assert "noSuchCommandAnywhere" in error.found


# --- what the server said of itself: its wire versions ---------------------------------


def test_a_server_older_than_pymongo_supports(own_mongo: MongoServer, ca_file: str) -> None:
    too_old = pymongo.common.MIN_SUPPORTED_WIRE_VERSION - 1
    with hello_rewritten(own_mongo, lambda answer: answer.update(maxWireVersion=too_old)):
        plain = pymongo.MongoClient(own_mongo.uri(tls=True, tlsCAFile=ca_file), **SHORT)
        failure = failure_of(plain, "ping")
        plain.close()
        with pytest.raises(CompatibilityError) as info:
            atlasconnect.connect(own_mongo.uri(), tlsCAFile=ca_file, verify=True, **SHORT)
    for error in (explain(failure), info.value):
        assert isinstance(error, CompatibilityError)
        assert isinstance(error, ConfigurationError)
        assert (error.reason, family_of(error)) == ("server_too_old", Family.COMPATIBILITY)
        assert f"wire version {too_old}" in error.found
        assert f"MongoDB {pymongo.common.MIN_SUPPORTED_SERVER_VERSION}" in error.found
        assert_no_secret(error)


def test_a_server_newer_than_pymongo_supports(own_mongo: MongoServer, ca_file: str) -> None:
    needed = pymongo.common.MAX_SUPPORTED_WIRE_VERSION + 1

    def too_new(answer: dict[str, Any]) -> None:
        answer.update(minWireVersion=needed, maxWireVersion=needed)

    with hello_rewritten(own_mongo, too_new), pytest.raises(CompatibilityError) as info:
        atlasconnect.connect(own_mongo.uri(), tlsCAFile=ca_file, verify=True, **SHORT)
    assert info.value.reason == "server_too_new"
    assert f"wire version {needed}" in info.value.found
    assert "pip install --upgrade pymongo" in info.value.fix


# --- a member of a set with no configuration (pymongo's RSGhost) -----------------------


def test_a_member_of_a_set_not_initiated(own_mongo: MongoServer, ca_file: str) -> None:
    address = f"localhost:{own_mongo.port}"
    with hello_rewritten(own_mongo, as_ghost):
        plain = pymongo.MongoClient(own_mongo.uri(tls=True, tlsCAFile=ca_file), **SHORT)
        failure = failure_of(plain, "ping")
        with_client = explain(failure, plain)
        plain.close()
        with pytest.raises(ServerUnreachableError) as info:
            atlasconnect.connect(own_mongo.uri(), tlsCAFile=ca_file, verify=True)
    assert "RSGhost" in str(failure)
    for error in (explain(failure), with_client, info.value):
        assert isinstance(error, ServerUnreachableError)
        assert isinstance(error, ServerSelectionTimeoutError)
        assert (error.reason, family_of(error)) == ("needs_direct_connection", Family.DISCOVERY)
        assert list(error.server_errors) == [address]
        assert "rs.initiate()" in error.fix
        assert "directConnection=true" in error.fix
        assert "firewall" not in error.why + error.fix
        assert_no_secret(error)


def test_a_ghost_is_known_without_waiting_for_the_timeout(
    own_mongo: MongoServer, ca_file: str
) -> None:
    """The default serverSelectionTimeoutMS is 30 s: connect() must not wait for it."""
    with hello_rewritten(own_mongo, as_ghost), pytest.raises(ServerUnreachableError) as info:
        atlasconnect.connect(own_mongo.uri(), tlsCAFile=ca_file, verify=True)
    assert info.value.reason == "needs_direct_connection"
    assert "Timeout" not in info.value.found


# --- members the set advertises under names this machine cannot reach ------------------


def test_a_set_that_names_members_this_machine_cannot_resolve(
    rs_tls_mongo: MongoServer, ca_file: str
) -> None:
    """The seed answers, and names itself "nosuch-member-1.invalid", as a container's set
    names its members to a client that reached it through a mapped port."""
    rs_tls_mongo.advertise = ("nosuch-member-1.invalid", rs_tls_mongo.port)
    uri = rs_tls_mongo.uri("127.0.0.1", tls=True, replicaSet=REPLICA_SET)
    try:
        with pytest.raises(ServerUnreachableError) as info:
            atlasconnect.connect(uri, tlsCAFile=ca_file, verify=True)
    finally:
        rs_tls_mongo.advertise = None
    error = info.value
    assert isinstance(error, ServerSelectionTimeoutError)
    assert (error.reason, family_of(error)) == (
        "advertised_name_unreachable",
        Family.DISCOVERY,
    )
    assert f"127.0.0.1:{rs_tls_mongo.port} answered" in error.found
    assert list(error.server_errors) == [f"nosuch-member-1.invalid:{rs_tls_mongo.port}"]
    assert "directConnection=true" in error.fix
    assert_no_secret(error)


# --- a client that failed verification stays silent ------------------------------------


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_client_that_failed_verification_logs_nothing_afterwards(
    flavour: str,
    leaf: trustme.LeafCert,
    certs_dir: Path,
    ca_file: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """connect(verify=True) raised and closed its client: a heartbeat that was under way
    when the server went away must not log a second explanation on the logger."""
    caplog.set_level(logging.WARNING, logger="atlasconnect")
    server = tls_server(leaf, certs_dir)
    verified: Callable[[], object] = {
        "sync": lambda: atlasconnect.connect(server.uri(), tlsCAFile=ca_file, verify=True),
        "async": lambda: asyncio.run(
            atlasconnect.connect_async(server.uri(), tlsCAFile=ca_file, verify=True)
        ),
    }[flavour]
    with server, hello_rewritten(server, as_ghost), pytest.raises(ServerUnreachableError):
        verified()
    time.sleep(0.6)  # the heartbeats under way when the server stopped have ended
    assert [r.getMessage() for r in caplog.records if r.name == "atlasconnect"] == []

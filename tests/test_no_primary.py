"""A replica set with no primary, and a ``replicaSet=`` name the servers do not have.

Both answer every heartbeat without an error, so no server error explains
them: the servers' own ``hello`` answers do. Tested against real sets on
loopback (``no_primary_set``: members stepped down by the server's own
``replSetStepDown``; ``rs_tls_mongo``: a healthy set). The texts explained
alone are the ones pymongo raised against them; only the property test of
the set name pymongo quotes writes its own.
"""

from __future__ import annotations

import asyncio
import json
from importlib import resources
from typing import Any
from urllib.parse import quote_plus

import jsonschema
import pymongo
import pytest
from conftest import PASSWORD, REPLICA_SET
from hypothesis import given
from hypothesis import strategies as st
from pymongo import MongoClient, ReadPreference
from pymongo.errors import PyMongoError, ServerSelectionTimeoutError
from servers import MongoServer, NoPrimarySet, SrvClusterFactory

import atlasconnect
from atlasconnect import AtlasConnectError, Family, ServerUnreachableError, explain
from atlasconnect import _cli as cli
from atlasconnect import _doctor as doctor
from atlasconnect import _verification as verification
from atlasconnect._doctor_layers import LayerName, Status
from atlasconnect._exceptions import family_of

# Long enough for the first heartbeat of every member, short enough for a fast test.
SHORT: dict[str, Any] = {"serverSelectionTimeoutMS": 500}
WRONG_SET = "not-the-set-name"


def assert_no_primary(error: BaseException, members: list[str]) -> None:
    """The no_primary explanation: every member named with its state, no firewall advice."""
    assert isinstance(error, ServerUnreachableError)
    assert (error.reason, family_of(error)) == ("no_primary", Family.NO_PRIMARY)
    for member in members:
        assert f"{member} (secondary)" in error.found
    assert REPLICA_SET in error.found
    assert "no server answered" not in error.found
    assert "election" in error.why
    assert "27015" not in error.fix
    assert "firewall" not in error.why + error.fix
    assert sorted(error.server_errors) == sorted(members)
    assert PASSWORD not in str(error)


def doctor_output(capsys: pytest.CaptureFixture[str]) -> str:
    """What ``atlasconnect doctor`` printed, checked to hold no password."""
    out = capsys.readouterr().out
    for secret in (PASSWORD, quote_plus(PASSWORD)):
        assert secret not in out
    return out


def plain_client_error(
    uri: str,
) -> tuple[ServerSelectionTimeoutError, AtlasConnectError | None]:
    """What a plain pymongo client (not atlasconnect's) raises on its first command,
    and what explain() makes of it with that client."""
    client: MongoClient[Any] = MongoClient(uri, **SHORT)
    try:
        with pytest.raises(ServerSelectionTimeoutError) as info:
            client.admin.command("ping")
        return info.value, explain(info.value, client)
    finally:
        client.close()


# --- no primary ---------------------------------------------------------------------------


def test_verify_names_every_member_and_its_state(
    no_primary_set: NoPrimarySet, ca_file: str
) -> None:
    with pytest.raises(ServerUnreachableError) as info:
        atlasconnect.connect(no_primary_set.uri(tlsCAFile=ca_file), verify=True, **SHORT)
    assert_no_primary(info.value, no_primary_set.addresses)
    assert "paused" in info.value.why
    assert "serverSelectionTimeoutMS" in info.value.fix


def test_verify_async_names_no_primary(no_primary_set: NoPrimarySet, ca_file: str) -> None:
    async def verify() -> None:
        await atlasconnect.connect_async(
            no_primary_set.uri(tlsCAFile=ca_file), verify=True, **SHORT
        )

    with pytest.raises(ServerUnreachableError) as info:
        asyncio.run(verify())
    assert_no_primary(info.value, no_primary_set.addresses)


def test_explain_of_a_plain_clients_error(no_primary_set: NoPrimarySet, ca_file: str) -> None:
    _, error = plain_client_error(no_primary_set.uri(tlsCAFile=ca_file))
    assert error is not None
    assert_no_primary(error, no_primary_set.addresses)


def test_explain_of_the_text_alone(no_primary_set: NoPrimarySet, ca_file: str) -> None:
    """Without the client: pymongo's own words say no member is primary; no member named."""
    exc, _ = plain_client_error(no_primary_set.uri(tlsCAFile=ca_file))
    error = explain(exc)
    assert isinstance(error, ServerUnreachableError)
    assert (error.reason, family_of(error)) == ("no_primary", Family.NO_PRIMARY)
    assert "no primary" in error.found
    assert "firewall" not in error.why + error.fix


def test_explain_of_a_write_with_no_primary(no_primary_set: NoPrimarySet, ca_file: str) -> None:
    """An insert's error says "No primary available for writes"; that tells it, no client needed."""
    client: MongoClient[Any] = MongoClient(no_primary_set.uri(tlsCAFile=ca_file), **SHORT)
    try:
        with pytest.raises(ServerSelectionTimeoutError) as info:
            client.test.never_written.insert_one({})
    finally:
        client.close()
    error = explain(info.value)
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "no_primary"


def test_atlasconnect_explain_reads_pymongos_bare_messages(
    no_primary_set: NoPrimarySet,
    rs_tls_mongo: MongoServer,
    ca_file: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The message alone, as a log line holds it: no exception class named."""
    no_primary, _ = plain_client_error(no_primary_set.uri(tlsCAFile=ca_file))
    wrong_set, _ = plain_client_error(
        rs_tls_mongo.uri("127.0.0.1", tls=True, tlsCAFile=ca_file, replicaSet=WRONG_SET)
    )
    assert cli.main(["explain", str(no_primary)]) == 18
    assert "no primary" in capsys.readouterr().out
    assert cli.main(["explain", str(wrong_set)]) == 18
    assert repr(WRONG_SET) in capsys.readouterr().out


def test_reads_from_a_secondary_still_work(no_primary_set: NoPrimarySet, ca_file: str) -> None:
    client = atlasconnect.connect(
        no_primary_set.uri(tlsCAFile=ca_file, readPreference="secondaryPreferred"), **SHORT
    )
    try:
        assert client.test.never_written.find_one() is None
        primary_reads = client.test.get_collection(
            "never_written", read_preference=ReadPreference.PRIMARY
        )
        with pytest.raises(ServerSelectionTimeoutError) as info:
            primary_reads.find_one()
        error = explain(info.value, client)
        assert error is not None
        assert family_of(error) is Family.NO_PRIMARY
    finally:
        client.close()


def test_doctor_finds_every_host_answers_and_none_is_primary(
    no_primary_set: NoPrimarySet, ca_file: str
) -> None:
    report = doctor.run(no_primary_set.uri(tlsCAFile=ca_file), timeout=2)
    for host in report.hosts:
        hello = next(layer for layer in host.layers if layer.name is LayerName.HELLO)
        assert (hello.status, hello.details["role"]) == (Status.OK, "secondary")
    assert report.error is not None
    assert_no_primary(report.error, no_primary_set.addresses)


def test_doctor_exits_18_with_the_explanation(
    no_primary_set: NoPrimarySet, ca_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    uri = no_primary_set.uri(tlsCAFile=ca_file)
    assert cli.main(["doctor", uri, "--timeout", "2"]) == 18
    assert "no primary" in doctor_output(capsys)
    assert cli.main(["doctor", uri, "--json", "--timeout", "2"]) == 18
    document = json.loads(doctor_output(capsys))
    jsonschema.validate(
        document,
        json.loads(resources.files("atlasconnect").joinpath("doctor-schema.json").read_text()),
    )
    verdict = document["verdict"]["error"]
    assert (verdict["family"], verdict["exit_code"]) == ("no_primary", 18)


# --- a replicaSet= name the servers do not have ---------------------------------------------


def test_verify_names_the_set_the_servers_have(rs_tls_mongo: MongoServer, ca_file: str) -> None:
    uri = rs_tls_mongo.uri("127.0.0.1", tls=True, tlsCAFile=ca_file, replicaSet=WRONG_SET)
    with pytest.raises(ServerUnreachableError) as info:
        atlasconnect.connect(uri, verify=True, **SHORT)
    error = info.value
    assert (error.reason, family_of(error)) == ("replica_set_mismatch", Family.NO_PRIMARY)
    assert repr(WRONG_SET) in error.found
    assert f"127.0.0.1:{rs_tls_mongo.port} (set {REPLICA_SET!r})" in error.found
    assert f"replicaSet={REPLICA_SET}" in error.fix
    assert "no server answered" not in error.found
    assert PASSWORD not in str(error)


def test_verify_does_not_wait_for_servers_pymongo_dropped(
    rs_tls_mongo: MongoServer, ca_file: str
) -> None:
    """Waiting will not cure a wrong set name: verify's wait raises it before its deadline.

    pymongo drops every server of another set and never looks at them again.
    The wait is checked as verify runs it, once the servers have answered
    and been dropped, with an hour left before serverSelectionTimeoutMS.
    """
    uri = rs_tls_mongo.uri("127.0.0.1", tls=True, tlsCAFile=ca_file, replicaSet=WRONG_SET)
    client = atlasconnect.connect(uri, serverSelectionTimeoutMS=3_600_000)
    try:
        (watcher,) = [
            listener
            for listener in client.options.event_listeners
            if isinstance(listener, verification.HeartbeatWatcher)
        ]
        # Long enough for the servers to answer and be dropped, as in SHORT.
        with pytest.raises(PyMongoError), pymongo.timeout(0.5):
            client.admin.command("ping")
        with pytest.raises(ServerUnreachableError) as info:
            verification._Wait(client, watcher).over()
    finally:
        client.close()
    assert info.value.reason == "replica_set_mismatch"


def test_verify_says_a_standalone_is_in_no_set(mongo: MongoServer, ca_file: str) -> None:
    uri = mongo.uri("127.0.0.1", tls=True, tlsCAFile=ca_file, replicaSet=WRONG_SET)
    with pytest.raises(ServerUnreachableError) as info:
        atlasconnect.connect(uri, verify=True, **SHORT)
    assert f"127.0.0.1:{mongo.port} (a standalone server, in no replica set)" in info.value.found


def test_explain_of_a_plain_clients_set_name_mismatch(
    rs_tls_mongo: MongoServer, ca_file: str
) -> None:
    uri = rs_tls_mongo.uri("127.0.0.1", tls=True, tlsCAFile=ca_file, replicaSet=WRONG_SET)
    exc, error = plain_client_error(uri)
    for explained in (error, explain(ServerSelectionTimeoutError(str(exc)))):
        assert isinstance(explained, ServerUnreachableError)
        assert (explained.reason, family_of(explained)) == (
            "replica_set_mismatch",
            Family.NO_PRIMARY,
        )
        assert repr(WRONG_SET) in explained.found


def test_doctor_fails_hello_on_a_set_name_mismatch(
    rs_tls_mongo: MongoServer, ca_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    uri = rs_tls_mongo.uri("127.0.0.1", tls=True, tlsCAFile=ca_file, replicaSet=WRONG_SET)
    report = doctor.run(uri, timeout=2)
    (host,) = report.hosts
    assert [(layer.name, layer.status) for layer in host.layers] == [
        (LayerName.TCP, Status.OK),
        (LayerName.TLS, Status.OK),
        (LayerName.HELLO, Status.FAILED),
    ]
    assert host.layers[-1].details["replica_set"] == REPLICA_SET
    error = report.error
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "replica_set_mismatch"
    assert f"(set {REPLICA_SET!r})" in error.found
    assert cli.main(["doctor", uri, "--timeout", "2"]) == 18
    assert WRONG_SET in doctor_output(capsys)


def test_doctor_names_the_set_of_every_srv_host(
    srv_cluster: SrvClusterFactory, ca_file: str
) -> None:
    """mongodb+srv://: the TXT record names the set; every host named with the set it has."""
    cluster = srv_cluster(txt=f"authSource=admin&replicaSet={WRONG_SET}")
    report = doctor.run(cluster.uri(tlsCAFile=ca_file), timeout=2)
    error = report.error
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "replica_set_mismatch"
    assert sorted(error.server_errors) == sorted(f"{h.address}" for h in report.hosts)
    for host in report.hosts:
        assert f"{host.address} (set {REPLICA_SET!r})" in error.found
    assert f"replicaSet={REPLICA_SET}" in error.fix


# Set names are open-ended; quotes, commas and spaces are what could cut one short.
SET_NAMES = st.text(st.one_of(st.sampled_from("\"', "), st.characters()), min_size=1)


@given(SET_NAMES.filter(lambda name: ", Timeout: " not in name))
def test_the_set_name_pymongo_quotes_is_read_whole(name: str) -> None:
    """pymongo quotes the replicaSet= value without escaping it: quotes inside included."""
    text = (
        f'No replica set members available for replica set name "{name}", Timeout: 0.5s, '
        "Topology Description: <TopologyDescription topology_type: ReplicaSetNoPrimary, "
        "servers: []>"
    )
    error = explain(ServerSelectionTimeoutError(text))
    assert isinstance(error, ServerUnreachableError)
    assert error.reason == "replica_set_mismatch"
    assert f"replica set {name!r} that replicaSet= names" in error.found

"""DNS servers per client (``dns_servers=``, ``ATLASCONNECT_DNS_SERVERS``) for ``mongodb+srv://``.

The cluster's records are served only by a DNS server of the test's choosing;
the process's default resolver (the test's ``dns_env``) knows nothing of them,
and must be left as it was.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_plus

import dns.resolver
import pytest
from hypothesis import given
from hypothesis import strategies as st
from servers import FakeDNS, SilentDNS, SrvCluster, SrvClusterFactory

import atlasconnect
from atlasconnect import ConnectionStringError, DNSResolutionError
from atlasconnect import _cli as cli
from atlasconnect import _dns_servers as dns_servers

FAST: dict[str, Any] = {"serverSelectionTimeoutMS": 5000, "connectTimeoutMS": 3000}


@pytest.fixture
def chosen_dns() -> Iterator[FakeDNS]:
    with FakeDNS() as server:
        yield server


@pytest.fixture
def cluster(srv_cluster: SrvClusterFactory, dns_env: FakeDNS, chosen_dns: FakeDNS) -> SrvCluster:
    """A cluster whose SRV and TXT records only ``chosen_dns`` serves."""
    started = srv_cluster(nodes=2)
    dns_env.clear()
    ports = [proxy.port for proxy in started.proxies]
    targets = list(zip(started.hosts, ports, strict=True))
    chosen_dns.set_srv(f"_mongodb._tcp.{started.name}", targets)
    chosen_dns.set_txt(started.name, "authSource=admin")
    return started


def ping(client: Any) -> None:
    try:
        assert client.admin.command("ping")["ok"] == 1
    finally:
        client.close()


def test_the_chosen_server_answers_and_the_default_resolver_is_unchanged(
    cluster: SrvCluster, chosen_dns: FakeDNS, ca_file: str
) -> None:
    before = dns.resolver.get_default_resolver()
    nameservers = list(before.nameservers)
    client = atlasconnect.connect(
        cluster.uri(), dns_servers=[f"127.0.0.1:{chosen_dns.port}"], tlsCAFile=ca_file, **FAST
    )
    ping(client)
    assert dns.resolver.get_default_resolver() is before
    assert list(before.nameservers) == nameservers


def test_without_the_servers_the_lookup_fails(cluster: SrvCluster, ca_file: str) -> None:
    with pytest.raises(DNSResolutionError):
        atlasconnect.connect(cluster.uri(), tlsCAFile=ca_file, verify=True, **FAST)


def test_the_environment_variable_applies(
    cluster: SrvCluster, chosen_dns: FakeDNS, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATLASCONNECT_DNS_SERVERS", f" 127.0.0.1:{chosen_dns.port} ")
    ping(atlasconnect.connect(cluster.uri(), tlsCAFile=ca_file, **FAST))


def test_a_lazy_client_looks_up_in_another_thread_with_its_servers(
    cluster: SrvCluster, chosen_dns: FakeDNS, ca_file: str
) -> None:
    """connect=False: the lookup happens at the first operation, here in another thread."""
    client = atlasconnect.connect(
        cluster.uri(),
        dns_servers=f"127.0.0.1:{chosen_dns.port}",
        tlsCAFile=ca_file,
        connect=False,
        **FAST,
    )
    thread = threading.Thread(target=ping, args=(client,))
    thread.start()
    thread.join()
    assert chosen_dns.queries  # it asked the chosen server


def test_a_rescan_in_another_thread_asks_the_clients_servers(
    cluster: SrvCluster, chosen_dns: FakeDNS, dns_env: FakeDNS, ca_file: str
) -> None:
    """What pymongo's SRV monitor runs in its thread for a sharded cluster, run here in one:
    the replica set of the tests is not polled (SRV polling is for mongos only)."""
    client = atlasconnect.connect(
        cluster.uri(), dns_servers=[f"127.0.0.1:{chosen_dns.port}"], tlsCAFile=ca_file, **FAST
    )
    seedlists: list[Any] = []
    try:
        monitor = client._topology._srv_monitor
        assert monitor is not None
        thread = threading.Thread(target=lambda: seedlists.append(monitor._get_seedlist()))
        thread.start()
        thread.join()
    finally:
        client.close()
    ports = sorted(proxy.port for proxy in cluster.proxies)
    assert sorted(port for _, port in seedlists[0]) == ports
    assert dns_env.queries == []


def test_two_clients_for_the_same_cluster_do_not_collide(
    cluster: SrvCluster, chosen_dns: FakeDNS, ca_file: str
) -> None:
    good = atlasconnect.connect(
        cluster.uri(), dns_servers=[f"127.0.0.1:{chosen_dns.port}"], tlsCAFile=ca_file, **FAST
    )
    with pytest.raises(DNSResolutionError):
        atlasconnect.connect(cluster.uri(), tlsCAFile=ca_file, verify=True, **FAST)
    ping(good)


def test_the_async_client_uses_them(cluster: SrvCluster, chosen_dns: FakeDNS, ca_file: str) -> None:
    async def main() -> None:
        client = await atlasconnect.connect_async(
            cluster.uri(),
            dns_servers=[f"127.0.0.1:{chosen_dns.port}"],
            tlsCAFile=ca_file,
            verify=True,
            **FAST,
        )
        await client.close()

    asyncio.run(main())


def test_a_timeout_is_retried_once_within_the_connect_timeout(
    cluster: SrvCluster, chosen_dns: FakeDNS, ca_file: str
) -> None:
    chosen_dns.drop_next(1)  # the first query is never answered
    ping(
        atlasconnect.connect(
            cluster.uri(), dns_servers=[f"127.0.0.1:{chosen_dns.port}"], tlsCAFile=ca_file, **FAST
        )
    )


def test_a_server_that_never_answers_is_a_dns_error(cluster: SrvCluster, ca_file: str) -> None:
    with SilentDNS() as silent, pytest.raises(DNSResolutionError):
        atlasconnect.connect(
            cluster.uri(),
            dns_servers=[f"127.0.0.1:{silent.port}"],
            tlsCAFile=ca_file,
            verify=True,
            serverSelectionTimeoutMS=2000,
            connectTimeoutMS=600,
        )


def test_dns_servers_for_a_mongodb_uri_are_refused() -> None:
    with pytest.raises(ConnectionStringError, match="mongodb://, whose hosts"):
        atlasconnect.connect("mongodb://db.example.test/", dns_servers=["1.1.1.1"], connect=False)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("1.1.1.1", ("1.1.1.1", 53)),
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("[::1]:53", ("::1", 53)),
        ("::1", ("::1", 53)),
        ("[2001:db8::1]", ("2001:db8::1", 53)),
    ],
)
def test_entries(entry: str, expected: tuple[str, int]) -> None:
    assert dns_servers.parse([entry], "dns_servers") == (expected,)


@given(st.text(max_size=30))
def test_any_entry_parses_or_is_refused_with_a_typed_error(entry: str) -> None:
    try:
        servers = dns_servers.parse([entry], "dns_servers")
    except ConnectionStringError as error:
        assert "IP" in error.fix
    else:
        (server,) = servers
        assert 0 < server.port < 65536
        assert dns_servers.parse([str(server)], "dns_servers") == servers


# When the system has no resolver configuration at all (Termux, some sandboxes).


@pytest.fixture
def no_resolver_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    """dnspython's default resolver, as on a machine without /etc/resolv.conf."""

    def unconfigured() -> Any:
        raise dns.resolver.NoResolverConfiguration("cannot open /etc/resolv.conf")  # type: ignore[no-untyped-call]

    monkeypatch.setattr(dns.resolver, "get_default_resolver", unconfigured)


def test_no_resolver_configuration_is_explained_with_dns_servers_as_the_fix(
    cluster: SrvCluster, chosen_dns: FakeDNS, ca_file: str, no_resolver_configuration: None
) -> None:
    with pytest.raises(DNSResolutionError) as info:
        atlasconnect.connect(cluster.uri(), tlsCAFile=ca_file, verify=True, **FAST)
    assert info.value.reason == "no_resolver"
    assert info.value.fix.startswith(
        "give the client DNS servers of its own: connect(uri, dns_servers=['1.1.1.1'])"
    )
    assert "ATLASCONNECT_DNS_SERVERS=1.1.1.1" in info.value.cli_fix
    # And the fix works: the client's own servers need no configuration.
    ping(
        atlasconnect.connect(
            cluster.uri(), dns_servers=[f"127.0.0.1:{chosen_dns.port}"], tlsCAFile=ca_file, **FAST
        )
    )


# The doctor and `atlasconnect resolve`.


def test_the_doctor_asks_the_servers_and_times_each_query(
    cluster: SrvCluster, chosen_dns: FakeDNS, ca_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    server = f"127.0.0.1:{chosen_dns.port}"
    uri = cluster.uri(tlsCAFile=ca_file)
    status = cli.main(["doctor", uri, "--dns-server", server, "--json", "--timeout", "10"])
    document = json.loads(capsys.readouterr().out)
    assert status == 0, document["verdict"]
    dns_layer = next(layer for layer in document["layers"] if layer["name"] == "dns")
    assert dns_layer["details"]["resolver"] == server
    srv, txt = dns_layer["details"]["queries"]
    assert re.fullmatch(
        rf"SRV _mongodb\._tcp\.{re.escape(cluster.name)}: 2 records from "
        rf"{re.escape(server)}, \d+\.\d ms",
        srv,
    )
    assert txt.startswith(f"TXT {cluster.name}: 1 records from {server}")
    for host in document["hosts"]:
        assert [layer["name"] for layer in host["layers"]] == [
            "tcp",
            "tls",
            "hello",
            "authentication",
            "ping",
        ]
        assert all(layer["duration_ms"] > 0 for layer in host["layers"])


def test_the_doctor_without_the_servers_fails_at_dns(
    cluster: SrvCluster, ca_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["doctor", cluster.uri(tlsCAFile=ca_file), "--json", "--timeout", "2"])
    document = json.loads(capsys.readouterr().out)
    assert status == atlasconnect.Family.DNS.exit_status
    assert document["layers"][-1]["name"] == "dns"


def test_resolve_prints_a_standard_string_that_connects(
    cluster: SrvCluster,
    chosen_dns: FakeDNS,
    ca_file: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = f"127.0.0.1:{chosen_dns.port}"
    status = cli.main(["resolve", cluster.uri(appName="resolver test"), "--dns-server", server])
    out, err = capsys.readouterr()
    assert status == 0, err
    standard = out.strip()
    assert standard.startswith(f"mongodb://{cluster.server.username}:<password>@")
    assert cluster.server.password not in out + err
    assert "authSource=admin" in standard
    assert "tls=true" in standard
    assert f"asked of {server}" in err
    password = quote_plus(cluster.server.password)
    client = atlasconnect.connect(
        standard.replace("<password>", password), tlsCAFile=ca_file, **FAST
    )
    ping(client)


def test_resolve_explains_a_lookup_that_fails(
    cluster: SrvCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["resolve", cluster.uri(), "--timeout", "2"])
    out, err = capsys.readouterr()
    assert status == atlasconnect.Family.DNS.exit_status
    assert out == ""
    assert "DNSResolutionError" in err


def test_resolve_refuses_a_standard_string(capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["resolve", "mongodb://db.example.test/", "--dns-server", "1.1.1.1"])
    assert status == atlasconnect.Family.CONFIGURATION.exit_status
    assert "already starts with mongodb://" in capsys.readouterr().err

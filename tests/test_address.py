"""host:port text: _address is the one place that writes and reads it."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlasconnect import _address as address

HOST_NAMES = st.from_regex(
    r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z0-9]{1,10}){0,3}", fullmatch=True
)
IPV4 = st.ip_addresses(v=4).map(str)
IPV6 = st.ip_addresses(v=6).map(str)
PORTS = st.integers(min_value=1, max_value=65535)


@given(host=st.one_of(HOST_NAMES, IPV4, IPV6), port=PORTS)
def test_what_join_writes_split_reads(host: str, port: int) -> None:
    written = address.join(host, port)
    assert address.split(written) == (host, port)
    assert address.host_of(written) == host
    assert address.normalized(written) == written
    assert written.startswith("[") is (":" in host)


@given(host=IPV6, port=PORTS)
def test_pymongos_form_of_an_ipv6_address_is_read(host: str, port: int) -> None:
    """pymongo writes "%s:%d": the last colon starts the port."""
    assert address.split(f"{host}:{port}") == (host, port)
    assert address.normalized(f"{host}:{port}") == f"[{host}]:{port}"
    assert ipaddress.ip_address(address.host_of(f"{host}:{port}"))


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("db1:27017", ("db1", "27017")),
        ("db1", ("db1", None)),
        ("db1:", ("db1", "")),
        ("db1:abc", ("db1", "abc")),
        ("[::1]:27018", ("::1", "27018")),
        ("[::1]", ("::1", None)),
        ("/run/mongodb-27017.sock", ("/run/mongodb-27017.sock", None)),
    ],
)
def test_partition_keeps_the_port_as_written(text: str, parts: tuple[str, str | None]) -> None:
    assert address.partition(text) == parts


@pytest.mark.parametrize(
    ("seed", "port", "written"),
    [
        ("db1", None, "db1"),
        ("db1", 27018, "db1:27018"),
        ("db1:27019", 27018, "db1:27019"),
        ("db1:abc", 27018, "db1:abc"),  # pymongo refuses it, as written
        ("::1", None, "[::1]"),
        ("::1", 27018, "[::1]:27018"),
        ("[::1]", 27018, "[::1]:27018"),
        ("[::1]:27019", 27018, "[::1]:27019"),
    ],
)
def test_with_port_writes_a_seed_as_a_connection_string_does(
    seed: str, port: int | None, written: str
) -> None:
    assert address.with_port(seed, port) == written


def test_no_other_module_joins_or_splits_host_and_port() -> None:
    """host:port is written and read by _address alone, in every module of the package."""
    package = Path(address.__file__).parent
    joined = re.compile(r"""\{host\}:\{port\}|rpartition\(":"\)|\[\{host\}\]""")
    found = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "_address.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if joined.search(line)
    ]
    assert found == []
